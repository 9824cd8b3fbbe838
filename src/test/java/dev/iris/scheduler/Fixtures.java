package dev.iris.scheduler;

import dev.iris.core.Constraint;
import dev.iris.core.JobId;
import dev.iris.core.Resources;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small builders that keep the scheduler tests readable. */
final class Fixtures {
  static final long GIB = 1L << 30;
  static final Scheduler SCHEDULER = new Scheduler();

  private Fixtures() {}

  static Resources cpu(int cpu) {
    return Resources.of(cpu, 0);
  }

  static Resources res(int cpu, long memoryGib) {
    return Resources.of(cpu, memoryGib * GIB);
  }

  static Resources gpus(int count, String variant) {
    return new Resources(0, 0, 0, count, variant);
  }

  /** A schedulable worker; {@code attributes} are alternating keys and values. */
  static WorkerView worker(String id, Resources free, String... attributes) {
    return new WorkerView(id, free, attrs(attributes), true);
  }

  static WorkerView unschedulable(String id, Resources free, String... attributes) {
    return new WorkerView(id, free, attrs(attributes), false);
  }

  static Map<String, String> attrs(String... keysAndValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  /** Tasks 0..tasks-1 of {@code job}, no gang. */
  static PendingRun run(String job, Resources perTask, int tasks, Constraint... constraints) {
    return PendingRun.range(JobId.of(job), perTask, List.of(constraints), 0, tasks);
  }

  /** Tasks with the given indices of {@code job}, no gang. */
  static PendingRun tasks(String job, Resources perTask, int... indices) {
    return new PendingRun(JobId.of(job), perTask, List.of(), "", indices);
  }

  /** A gang of tasks 0..tasks-1 grouped by {@code attribute}. */
  static PendingRun gang(String job, Resources perTask, String attribute, int tasks, Constraint... constraints) {
    int[] indices = new int[tasks];
    for (int i = 0; i < tasks; i++) {
      indices[i] = i;
    }
    return new PendingRun(JobId.of(job), perTask, List.of(constraints), attribute, indices);
  }

  static Plan schedule(List<PendingRun> queue, List<WorkerView> workers) {
    return SCHEDULER.schedule(queue, workers);
  }

  /** The plan's assignments as "job/task-i -> worker", in placement order. */
  static List<String> placed(Plan plan) {
    return plan.assignments().stream().map(a -> a.task() + " -> " + a.workerId()).toList();
  }

  /** The plan's assignments as task id to worker id, in placement order. */
  static Map<String, String> placements(Plan plan) {
    Map<String, String> map = new LinkedHashMap<>();
    plan.assignments().forEach(a -> map.put(a.task().toString(), a.workerId()));
    return map;
  }

  static String reason(Plan plan, String job) {
    return plan.pendingReason(JobId.of(job));
  }
}
