package dev.iris.scheduler;

import dev.iris.core.Constraint;
import dev.iris.core.Resources;
import dev.iris.core.TaskId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scheduling rules written as plainly as possible, one task and one worker at a time, with
 * {@link Resources#fits} and {@link Constraint#matches}. Every task placed takes one of its
 * worker's start slots. Slow and obviously right: the fast scheduler
 * must produce exactly its assignments.
 */
final class ReferenceScheduler {
  private ReferenceScheduler() {}

  static List<Assignment> schedule(List<PendingRun> queue, List<WorkerView> workers) {
    Resources[] free = workers.stream().map(WorkerView::free).toArray(Resources[]::new);
    int[] slots = workers.stream().mapToInt(WorkerView::startSlots).toArray();
    List<Assignment> out = new ArrayList<>();
    for (PendingRun run : queue) {
      if (run.isGang()) {
        placeGang(run, workers, free, slots, out);
        continue;
      }
      for (int index : run.taskIndices()) {
        for (int w = 0; w < workers.size(); w++) {
          if (eligible(run, workers.get(w)) && slots[w] > 0 && free[w].fits(run.perTask())) {
            free[w] = free[w].minus(run.perTask());
            slots[w]--;
            out.add(new Assignment(new TaskId(run.job(), index), workers.get(w).workerId()));
            break;
          }
        }
      }
    }
    return out;
  }

  private static void placeGang(PendingRun run, List<WorkerView> workers, Resources[] free, int[] slots,
      List<Assignment> out) {
    Map<String, List<Integer>> groups = new LinkedHashMap<>();
    for (int w = 0; w < workers.size(); w++) {
      String value = workers.get(w).attributes().get(run.coscheduleBy());
      if (workers.get(w).schedulable() && value != null) {
        groups.computeIfAbsent(value, v -> new ArrayList<>()).add(w);
      }
    }
    Comparator<Integer> order = Comparator.<Integer>comparingDouble(w -> index(workers.get(w)))
        .thenComparing(w -> workers.get(w).workerId());
    int[] indices = run.taskIndices();
    for (List<Integer> group : groups.values()) {
      group.sort(order);
      List<Integer> eligible = group.stream()
          .filter(w -> eligible(run, workers.get(w)) && slots[w] > 0 && free[w].fits(run.perTask()))
          .toList();
      if (eligible.size() >= indices.length) {
        for (int k = 0; k < indices.length; k++) {
          int w = eligible.get(k);
          free[w] = free[w].minus(run.perTask());
          slots[w]--;
          out.add(new Assignment(new TaskId(run.job(), indices[k]), workers.get(w).workerId()));
        }
        return;
      }
    }
  }

  private static boolean eligible(PendingRun run, WorkerView worker) {
    return worker.schedulable() && run.constraints().stream().allMatch(c -> c.matches(worker.attributes()));
  }

  private static double index(WorkerView worker) {
    try {
      double d = Double.parseDouble(worker.attributes().getOrDefault(Scheduler.WORKER_INDEX_ATTRIBUTE, "x").trim());
      return Double.isFinite(d) ? d : Double.POSITIVE_INFINITY;
    } catch (NumberFormatException e) {
      return Double.POSITIVE_INFINITY;
    }
  }
}
