package dev.iris.controller.state;

import dev.iris.controller.state.ClusterState.AttemptReport;
import dev.iris.controller.state.ClusterState.WorkerProbe;
import dev.iris.controller.state.StoreEvent.Kind;
import dev.iris.controller.state.WorkerInstruction.KillTask;
import dev.iris.controller.state.WorkerInstruction.RunTask;
import dev.iris.core.Job;
import dev.iris.core.JobId;
import dev.iris.core.TaskAttempt;
import dev.iris.core.TaskId;
import dev.iris.core.TaskState;
import dev.iris.core.auth.AccessDenied;
import dev.iris.core.auth.Caller;
import dev.iris.core.auth.Role;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The workers and what they say: registration, heartbeats reconciled against what each worker holds,
 * attempt reports, failed deliveries, and the liveness checks and probes that declare silent workers lost.
 */
final class Membership {
  private StoreConfig config;
  private final Map<JobId, Job> jobs;
  private final Map<String, WorkerRecord> workers;
  private final EffectInterpreter effects;
  private final ActionLog actions;
  private final Outbox outbox;
  private long ignoredReports;
  /** Who registered each worker id ({@link Caller#describe}): only they speak for it again (kept once it is lost). */
  private final Map<String, String> identities = new HashMap<>();

  /** {@code workers} is this part's own map, shared read-only with the other parts of {@link ClusterState}. */
  Membership(StoreConfig config, Map<JobId, Job> jobs, Map<String, WorkerRecord> workers,
      EffectInterpreter effects, ActionLog actions, Outbox outbox) {
    this.config = config;
    this.jobs = jobs;
    this.workers = workers;
    this.effects = effects;
    this.actions = actions;
    this.outbox = outbox;
  }

  void configure(StoreConfig c) {
    config = c;
  }

  /** The workers as immutable values (see {@link StateImage}). */
  StateImage.WorkersImage image() {
    List<WorkerRecord.WorkerImage> all = new java.util.ArrayList<>(workers.size());
    for (WorkerRecord w : workers.values()) {
      all.add(w.image());
    }
    return new StateImage.WorkersImage(List.copyOf(all), Map.copyOf(identities), ignoredReports);
  }

  /** Fills this empty membership with the workers of {@code image}. */
  void restore(StateImage.WorkersImage image) {
    for (WorkerRecord.WorkerImage w : image.workers()) {
      WorkerRecord r = WorkerRecord.restore(w);
      if (workers.put(r.id(), r) != null) {
        throw new IllegalArgumentException("worker " + r.id() + " twice");
      }
    }
    identities.putAll(image.identities());
    ignoredReports = image.ignoredReports();
  }

  /**
   * Checks that {@code caller} may speak for {@code workerId}: the token that first registered it, or anyone
   * for an id never registered (which a registration then binds to {@code caller}, an admin's too). An admin
   * may speak for any worker.
   */
  void requireIdentity(String workerId, Caller caller, boolean bind) {
    String identity = caller.describe();
    String owner = identities.get(workerId);
    if (owner == null) {
      if (bind) {
        identities.put(workerId, identity);
      }
      return;
    }
    if (!owner.equals(identity) && caller.role() != Role.ADMIN) {
      throw new AccessDenied("worker id '" + workerId + "' was registered by another token; " + identity
          + " may not speak for it");
    }
  }

  /** The worker of that id, or null. */
  WorkerRecord get(String id) {
    return workers.get(id);
  }

  /**
   * The controller restarted: every known worker counts as heard from now, so one that does not come back is lost a
   * full lease plus its margin later ({@link StoreConfig#lostAfterMs}): by then it has fenced its attempts, and a
   * restart within the lease keeps every attempt running. The RunTasks the previous process had in flight are
   * settled by each worker's next list of attempts.
   */
  void controllerRestarted(long now) {
    for (WorkerRecord w : workers.values()) {
      w.spoke(now);
      w.deliveriesLostInRestart();
    }
  }

  /** Every worker in registration order, a live read-only view. */
  Collection<WorkerRecord> all() {
    return Collections.unmodifiableCollection(workers.values());
  }

  // ------------------------------------------------------------------ attempt reports

  /** See {@link ClusterState#report}. */
  boolean report(String workerId, AttemptReport report, long now) {
    WorkerRecord from = workers.get(workerId);
    if (from != null && from.isAlive()) {
      from.spoke(now); // a worker busy reporting is alive even if its heartbeat waits behind the reports
    }
    Job job = jobs.get(report.task().job());
    if (job == null || report.task().index() >= job.numTasks()) {
      ignoredReports++;
      return false;
    }
    TaskAttempt current = job.task(report.task().index()).currentAttempt();
    if (current == null || current.attemptId() != report.attemptId() || !current.workerId().equals(workerId)) {
      ignoredReports++;
      return false;
    }
    // a report proves the worker accepted the attempt's RunTask, whatever became of the RunTask's answer
    if (from != null) {
      from.accepted(report.task(), report.attemptId(), new AcceptMark(from.incarnation(), report.acceptedSeq()));
    }
    Job.Result r = job.report(report.task().index(), report.attemptId(), report.state(),
        report.exitCode(), report.error(), report.observation(), now);
    if (r.wasIgnored()) {
      ignoredReports++;
      return false;
    }
    if (report.state() == TaskState.RUNNING && from != null && from.started(report.task(), report.attemptId())
        && from.startSlots(config.startCapacity()) == 1) {
      outbox.nudgeScheduler(); // the worker was full of starting tasks: it can take one more now
    }
    effects.apply(job, r.effects(), now);
    return true;
  }

  /** See {@link ClusterState#fenced}. */
  void fenced(TaskId task, int attemptId, String workerId, long now) {
    Job job = jobs.get(task.job());
    if (job == null) {
      return;
    }
    // still ASSIGNED: the worker never started it and now never will; it is retried for free
    Job.Result r = job.deliveryFailed(task.index(), attemptId, "RunTask to " + workerId
        + " failed and the attempt was fenced there", now);
    if (!r.wasIgnored()) {
      effects.apply(job, r.effects(), now);
    }
  }

  /** See {@link ClusterState#delivered}. */
  void delivered(TaskId task, int attemptId, String workerId, AcceptMark mark) {
    WorkerRecord w = workers.get(workerId);
    if (w != null) {
      w.accepted(task, attemptId, mark);
    }
  }

  long ignoredReports() {
    return ignoredReports;
  }

  /** See {@link ClusterState#deliveryFailed}. */
  void deliveryFailed(TaskId task, int attemptId, String workerId, String reason, boolean mayHaveArrived, long now) {
    Job job = jobs.get(task.job());
    if (job == null) {
      return;
    }
    WorkerRecord w = workers.get(workerId);
    if (mayHaveArrived && w != null && w.isAlive() && w.holds(task, attemptId)) {
      // the RunTask may yet reach the worker, or may have started there: the attempt is retried only once
      // the worker confirmed a kill of it (it then refuses that RunTask), see fenced()
      TaskAttempt current = job.task(task.index()).currentAttempt();
      if (current == null || current.attemptId() != attemptId || current.state() != TaskState.ASSIGNED) {
        return;
      }
      outbox.send(new KillTask(w.id(), w.address(), task, attemptId, config.killGraceMs(), true));
    } else {
      Job.Result r = job.deliveryFailed(task.index(), attemptId, "not delivered to " + workerId + ": " + reason, now);
      if (r.wasIgnored()) {
        return;
      }
      effects.apply(job, r.effects(), now);
    }
    if (w != null && w.isAlive()) {
      w.markSuspect();
      actions.add(now, "worker suspect", workerId, "RunTask " + task + " failed: " + reason);
    }
  }

  // ------------------------------------------------------------------ registration and heartbeats

  /** See {@link ClusterState#registerWorker}. */
  void register(WorkerRecord.Registration r, AcceptMark mark, List<AttemptReport> running, long now) {
    WorkerRecord w = workers.get(r.workerId());
    requireFreeId(w, r, now);
    if (w == null) {
      w = new WorkerRecord(r, now);
      workers.put(r.workerId(), w);
    } else {
      if (w.isAlive() && !w.address().equals(r.address())) {
        loseAttempts(w, "worker " + w.id() + " re-registered from a new address", now);
      }
      w.reregister(r, now);
    }
    effects.emit(now, Kind.WORKER_REGISTERED, null, null, r.workerId(), null, null, -1,
        r.address() + " " + r.capacity(), null);
    actions.add(now, "worker registered", r.workerId(), r.address() + ", " + r.capacity());
    reconcile(w, mark, running, now);
    outbox.nudgeScheduler();
  }

  /**
   * Refuses a registration that claims the id of another live worker: one of another process (another
   * incarnation) at another place (another address, or for workers on the event bus, whose address is their id,
   * another ip address), while the worker holding the id is alive and was heard from within the worker timeout.
   * The same process re-registering, or a restart at the same place, is the same worker; another may take the id
   * once the holder is lost: known dead (a probe refused), or silent until its lease surely ran out
   * ({@link StoreConfig#lostAfterMs}), never while it may still run its attempts. Changes nothing.
   */
  private void requireFreeId(WorkerRecord w, WorkerRecord.Registration r, long now) {
    if (w == null || !w.isAlive() || w.incarnation().equals(r.incarnation())) {
      return;
    }
    boolean sameAddress = w.address().equals(r.address());
    if (sameAddress && w.registration().ipAddress().equals(r.ipAddress())) {
      return;
    }
    long silentMs = now - w.lastHeartbeatMs();
    if (silentMs > config.lostAfterMs()) {
      return; // lost by the next liveness check: its lease surely ran out
    }
    String holder = sameAddress ? w.address() + " on " + w.registration().ipAddress() : w.address();
    String claimant = sameAddress ? r.address() + " on " + r.ipAddress() : r.address();
    throw StoreException.alreadyExists("worker id '" + w.id() + "' is held by a live worker at " + holder
        + " (heard from " + Math.max(0, silentMs) + " ms ago); the worker at " + claimant
        + " may not register under it: give one of them another --worker-id (or its own --work-dir), or stop the "
        + "other; the id is free once that worker is known dead, or the controller has not heard from it for "
        + config.lostAfterMs() + " ms" + (config.lease().granted() ? " (its lease surely ran out)" : ""));
  }

  /** See {@link ClusterState#heartbeat}. */
  boolean heartbeat(String workerId, AcceptMark mark, List<AttemptReport> attempts, long now) {
    WorkerRecord w = workers.get(workerId);
    if (w == null || !w.isAlive()) {
      return false;
    }
    if (!mark.incarnation().equals(w.incarnation())) {
      // a late heartbeat of the worker's previous process (the new one registered since): stale, and answered
      // "register again", which renews no lease: a previous process still alive fences what it runs
      ignoredReports++;
      return false;
    }
    boolean wasSuspect = w.isSuspect();
    w.heard(now);
    reconcile(w, mark, attempts, now);
    if (wasSuspect) {
      outbox.nudgeScheduler();
    }
    return true;
  }

  /**
   * Brings the controller's view of {@code w} in line with the list the worker sent, taken at {@code mark}:
   * listed attempts are applied as reports, unexpected live ones are killed, and an attempt the worker does
   * not list is failed over only when the list {@link AcceptMark#covers covers} its acceptance. An attempt
   * whose RunTask is in flight, or was accepted after the list was taken, is left alone: the RunTask's
   * outcome or a later list settles it.
   */
  private void reconcile(WorkerRecord w, AcceptMark mark, List<AttemptReport> reported, long now) {
    // a worker may list several attempts of one task (an ended one next to its retry), in any order
    Map<TaskId, Set<Integer>> listed = new HashMap<>();
    for (AttemptReport r : reported) {
      listed.computeIfAbsent(r.task(), t -> new HashSet<>()).add(r.attemptId());
      WorkerRecord.Holding h = w.holdings().get(r.task());
      if (h != null && h.attemptId() == r.attemptId()) {
        report(w.id(), r, now);
      } else if (!r.state().isTerminal()) {
        outbox.send(new KillTask(w.id(), w.address(), r.task(), r.attemptId(), config.killGraceMs()));
        actions.add(now, "unexpected attempt killed", r.task().toString(),
            "attempt " + r.attemptId() + " on " + w.id());
      }
    }
    for (WorkerRecord.Holding h : List.copyOf(w.holdings().values())) {
      if (listed.getOrDefault(h.task(), Set.of()).contains(h.attemptId())) {
        continue;
      }
      if (h.accepted() == null || !mark.covers(h.accepted())) {
        continue; // RunTask in flight, or accepted after the list was taken
      }
      Job job = jobs.get(h.task().job());
      if (job != null && h.accepted().assumed() && isAssigned(job, h)) {
        // its RunTask was lost in a controller restart: sent again, the same attempt (a worker that took it
        // after all answers a repeated RunTask as the first, and starts nothing), so a gang stays whole
        w.redeliver(h.task(), h.attemptId());
        outbox.send(new RunTask(w.id(), w.address(), h.task(), h.attemptId(), job.spec(), job.numTasks()));
        actions.add(now, "RunTask sent again", h.task().toString(),
            "attempt " + h.attemptId() + " to " + w.id() + ": its delivery was lost when the controller restarted");
        continue;
      }
      if (job != null) {
        effects.apply(job, job.workerFailed(h.task().index(), h.attemptId(),
            "worker " + w.id() + " does not know attempt " + h.attemptId(), now).effects(), now);
      }
      w.release(h.task(), h.attemptId());
    }
  }

  private static boolean isAssigned(Job job, WorkerRecord.Holding h) {
    TaskAttempt current = job.task(h.task().index()).currentAttempt();
    return current != null && current.attemptId() == h.attemptId() && current.state() == TaskState.ASSIGNED;
  }

  // ------------------------------------------------------------------ liveness

  /** See {@link ClusterState#checkWorkerLiveness(long, long)}. */
  void checkLiveness(long now, long stallMs) {
    int alive = 0;
    int lost = 0;
    long lostAfterMs = config.lostAfterMs();
    for (WorkerRecord w : workers.values()) {
      if (!w.isAlive()) {
        continue;
      }
      alive++;
      if (stallMs > 0) {
        w.excuse(stallMs, now);
      }
      long silentMs = now - w.lastHeartbeatMs();
      if (silentMs > lostAfterMs) {
        lose(w, "worker " + w.id() + " lost (no heartbeat for " + silentMs + " ms"
            + (config.lease().granted() ? ": its lease of " + config.lease().describe() + " ran out" : "") + ")", now);
        lost++;
        continue;
      }
      if (silentMs > config.workerTimeoutMs() && !w.isSuspect()) {
        // only unreachable (a cut network, a stopped host): its attempts may still run until its lease runs out
        w.markSilent();
        effects.observer().workerUnreachable(w.id(), silentMs, lostAfterMs - silentMs);
        actions.add(now, "worker unreachable", w.id(), "no heartbeat for " + silentMs + " ms: given no new tasks; "
            + "its attempts fail over in " + (lostAfterMs - silentMs) + " ms, when its lease surely ran out, unless "
            + "it is heard from or known dead first");
      }
      if (w.probeDue(now, config.probeAfterMs())) {
        outbox.probe(new WorkerProbe(w.id(), w.address()));
      }
    }
    if (lost > 2 && 2 * lost > alive) {
      actions.add(now, "worker losses suspect", "controller", lost + " of " + alive + " workers lost at once: a stall "
          + "or a network fault of the controller's own?");
    }
  }

  /** See {@link ClusterState#workerUnreachable}: the worker is known dead. */
  void unreachable(String workerId, String reason, long now) {
    WorkerRecord w = workers.get(workerId);
    if (w == null || !w.isAlive() || now - w.lastHeartbeatMs() < config.probeAfterMs()) {
      return;
    }
    lose(w, "worker " + w.id() + " lost (dead: nothing serves its address after " + (now - w.lastHeartbeatMs())
        + " ms without heartbeat: " + reason + ")", now);
  }

  private void lose(WorkerRecord w, String why, long now) {
    w.markLost();
    effects.observer().workerLost(w.id(), why, now, (int) workers.values().stream().filter(WorkerRecord::isAlive).count());
    effects.emit(now, Kind.WORKER_LOST, null, null, w.id(), null, null, -1, why, null);
    actions.add(now, "worker lost", w.id(), why);
    loseAttempts(w, why, now);
  }

  private void loseAttempts(WorkerRecord w, String why, long now) {
    for (WorkerRecord.Holding h : List.copyOf(w.holdings().values())) {
      Job job = jobs.get(h.task().job());
      if (job != null) {
        effects.apply(job, job.workerFailed(h.task().index(), h.attemptId(), why, now).effects(), now);
      }
      w.release(h.task(), h.attemptId());
      if (h.accepted() == null) {
        // its RunTask may still be on the way to a worker that lives (slow, not dead): the kill fences it
        outbox.send(new KillTask(w.id(), w.address(), h.task(), h.attemptId(), config.killGraceMs()));
      }
    }
  }
}
