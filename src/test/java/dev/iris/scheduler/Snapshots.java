package dev.iris.scheduler;

import dev.iris.core.Constraint;
import dev.iris.core.ConstraintOp;
import dev.iris.core.JobId;
import dev.iris.core.Resources;
import dev.iris.core.TaskId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Random scheduler snapshots for property tests: small worker pools with overlapping attributes, GPU
 * variants that differ in case, unschedulable workers, runs with random constraints and some gangs.
 */
final class Snapshots {
  static final String GROUP = "tpu-name";
  private static final List<String> VARIANTS = List.of("", "a100", "A100", "h100");
  private static final List<String> VALUES = List.of("a", "b", "x", "1", "2");

  private Snapshots() {}

  /** A queue and a worker pool; job ids and worker ids are unique. */
  record Snapshot(List<PendingRun> queue, List<WorkerView> workers) {
    WorkerView worker(String id) {
      return workers.stream().filter(w -> w.workerId().equals(id)).findFirst().orElseThrow();
    }

    /** The run holding {@code task}, or null. */
    PendingRun run(TaskId task) {
      for (PendingRun r : queue) {
        if (r.job().equals(task.job())) {
          for (int i : r.taskIndices()) {
            if (i == task.index()) {
              return r;
            }
          }
        }
      }
      return null;
    }
  }

  static Arbitrary<Snapshot> snapshots() {
    Arbitrary<List<WorkerView>> workers = worker().list().ofMaxSize(12).map(list -> {
      List<WorkerView> numbered = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        WorkerView w = list.get(i);
        numbered.add(new WorkerView("w" + i, w.free(), w.attributes(), w.schedulable(), w.startSlots()));
      }
      return numbered;
    });
    Arbitrary<List<PendingRun>> queue = run().list().ofMaxSize(12).map(list -> {
      List<PendingRun> numbered = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        PendingRun r = list.get(i);
        numbered.add(new PendingRun(JobId.of("j" + i), r.perTask(), r.constraints(), r.coscheduleBy(), r.taskIndices()));
      }
      return numbered;
    });
    return Combinators.combine(queue, workers).as(Snapshot::new);
  }

  private static Arbitrary<Resources> resources(int cpu, int gib, int disk, int gpus) {
    return Combinators.combine(
            Arbitraries.integers().between(0, cpu),
            Arbitraries.integers().between(0, gib),
            Arbitraries.integers().between(0, disk),
            Arbitraries.integers().between(0, gpus),
            Arbitraries.of(VARIANTS))
        .as((c, m, d, g, v) -> new Resources(c, m * Fixtures.GIB, d, g, v));
  }

  private static Arbitrary<WorkerView> worker() {
    Arbitrary<Map<String, String>> attributes = Combinators.combine(
            Arbitraries.of("a", "b").injectNull(0.3),
            Arbitraries.of("x", "y").injectNull(0.3),
            Arbitraries.of("0", "1", "2", "3", "10").injectNull(0.3))
        .as((zone, group, index) -> {
          Map<String, String> map = new HashMap<>();
          if (zone != null) {
            map.put("zone", zone);
          }
          if (group != null) {
            map.put(GROUP, group);
          }
          if (index != null) {
            map.put(Scheduler.WORKER_INDEX_ATTRIBUTE, index);
          }
          return map;
        });
    Arbitrary<Integer> slots = Arbitraries.of(WorkerView.UNLIMITED, WorkerView.UNLIMITED, 0, 1, 2, 3, 5);
    return Combinators.combine(resources(10, 10, 5, 4), attributes, Arbitraries.of(true, true, true, false), slots)
        .as((free, attrs, schedulable, startSlots) -> new WorkerView("w", free, attrs, schedulable, startSlots));
  }

  private static Arbitrary<Constraint> constraint() {
    return Combinators.combine(
            Arbitraries.of("zone", GROUP, Scheduler.WORKER_INDEX_ATTRIBUTE, "color"),
            Arbitraries.of(ConstraintOp.class),
            Arbitraries.of(VALUES),
            Arbitraries.of(VALUES).list().ofMinSize(1).ofMaxSize(2))
        .as((key, op, value, values) -> op == ConstraintOp.IN
            ? new Constraint(key, op, "", values)
            : Constraint.of(key, op, op.isNumeric() && !Character.isDigit(value.charAt(0)) ? "1" : value));
  }

  private static Arbitrary<PendingRun> run() {
    Arbitrary<Set<Integer>> many = Arbitraries.integers().between(0, 39).set().ofMinSize(1).ofMaxSize(20);
    Arbitrary<Set<Integer>> few = Arbitraries.integers().between(0, 7).set().ofMinSize(1).ofMaxSize(5);
    Arbitrary<Boolean> gang = Arbitraries.of(false, false, false, true);
    return Combinators.combine(resources(4, 4, 2, 2), constraint().list().ofMaxSize(2), gang, many, few)
        .as((perTask, constraints, isGang, manyIndices, fewIndices) -> new PendingRun(
            JobId.of("j"), perTask, constraints, isGang ? GROUP : "",
            (isGang ? fewIndices : manyIndices).stream().mapToInt(Integer::intValue).sorted().toArray()));
  }
}
