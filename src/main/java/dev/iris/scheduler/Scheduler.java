package dev.iris.scheduler;

import java.util.List;

/**
 * The pure scheduler: one pass over an immutable snapshot of the pending queue and the workers, returning
 * a {@link Plan}. Same inputs, same plan: no clock, no randomness, inputs are never modified.
 *
 * <p>Rules. Tasks are considered in queue order; each goes to the first worker, in snapshot order, that is
 * schedulable, satisfies every constraint of its job, has a start slot left ({@link WorkerView#startSlots})
 * and has room for it in every dimension after what this pass has already planned on it. A task that fits nowhere does not stop later tasks. A gang run
 * (non-empty {@code coscheduleBy}) is placed whole onto distinct workers of one group sharing the value of
 * that attribute, or not at all: groups are tried in order of their first worker in the snapshot, the
 * first that has enough eligible workers wins, and within it the k-th task (by index) gets the k-th
 * eligible worker by {@link #WORKER_INDEX_ATTRIBUTE} (workers without one last, by id). Every job whose
 * run leaves tasks unplaced gets a reason in {@link Plan#pendingReasons()}.
 *
 * <p>Cost. Identical tasks of a run are placed many per worker visit (first fit of identical items in
 * order fills workers in order). Runs with equal requirements share a shape whose cursor only moves
 * forward, so each worker is visited about once per shape per pass, and a shape proven to fit nowhere
 * rejects later runs in O(1). A pass is thus O(runs + shapes x workers + placements).
 */
public final class Scheduler {
  /** The numeric worker attribute that orders the workers of a coscheduling group. */
  public static final String WORKER_INDEX_ATTRIBUTE = "worker-index";

  /** Plans one pass: {@code queue} in queue order, {@code workers} in the order first fit tries them. */
  public Plan schedule(List<PendingRun> queue, List<WorkerView> workers) {
    Ledger ledger = new Ledger(workers);
    Shapes shapes = new Shapes(ledger);
    Gangs gangs = new Gangs(ledger);
    long pending = 0;
    for (PendingRun run : queue) {
      pending += run.taskCount();
    }
    Placements out = new Placements(ledger, pending);
    for (PendingRun run : queue) {
      if (run.taskCount() == 0) {
        continue;
      }
      Shape shape = shapes.of(run);
      String reason = run.isGang() ? gangs.place(run, shape, out) : fill(run, shape, ledger, out);
      if (reason != null) {
        out.waiting(run.job(), reason);
      }
    }
    return out.plan();
  }

  /** First fit of the run's identical tasks; returns null when all were placed, otherwise why not. */
  private static String fill(PendingRun run, Shape shape, Ledger ledger, Placements out) {
    if (shape.reason != null) {
      return shape.reason;
    }
    int n = run.taskCount();
    int placed = 0;
    int w = ledger.withinBounds(shape) ? shape.cursor : ledger.size;
    for (; w < ledger.size; w++) {
      if (ledger.fits(w, shape) && shape.eligible(w)) {
        int count = Math.min(ledger.room(w, shape), n - placed);
        ledger.take(w, shape, count);
        for (int k = 0; k < count; k++) {
          out.assign(run.job(), run.taskIndex(placed++), w);
        }
        if (placed == n) {
          break; // this worker may have room left for the next run of the shape
        }
      }
    }
    shape.cursor = w;
    if (placed < n) {
      shape.reason = Reasons.forRun(ledger, shape);
      return shape.reason;
    }
    return null;
  }
}
