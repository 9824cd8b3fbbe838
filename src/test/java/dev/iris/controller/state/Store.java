package dev.iris.controller.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.controller.state.ClusterState.AttemptReport;
import dev.iris.controller.state.ClusterState.Drained;
import dev.iris.controller.state.WorkerInstruction.KillTask;
import dev.iris.controller.state.WorkerInstruction.RunTask;
import dev.iris.core.Constraint;
import dev.iris.core.Job;
import dev.iris.core.JobId;
import dev.iris.core.JobSpec;
import dev.iris.core.JobState;
import dev.iris.core.Resources;
import dev.iris.core.Task;
import dev.iris.core.TaskAttempt;
import dev.iris.core.TaskId;
import dev.iris.core.TaskState;
import dev.iris.scheduler.Plan;
import dev.iris.scheduler.Scheduler;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link ClusterState} driven through its commands at explicit instants ({@link #now}; no clock, no
 * sleeps), with the real {@link Scheduler} producing the plans, and helpers that read the observable
 * results: states, counts, worker holdings, drained events and worker commands.
 */
final class Store {
  static final long GIB = 1L << 30;
  static final StoreConfig CONFIG = new StoreConfig(5_000, StoreConfig.DEFAULT_START_CAPACITY, 5_000, 100_000);

  final ClusterState state;
  final Scheduler scheduler = new Scheduler();
  /** The instant passed to every command; tests move it explicitly. */
  long now = 1_000;

  Store() {
    this(CONFIG);
  }

  Store(StoreConfig config) {
    state = new ClusterState(config);
  }

  Store at(long instant) {
    now = instant;
    return this;
  }

  Store advance(long ms) {
    now += ms;
    return this;
  }

  // ------------------------------------------------------------------ workers

  static WorkerRecord.Registration registration(String id, Resources capacity, String... attributes) {
    return new WorkerRecord.Registration(id, "host-" + id + ":10001", capacity, attrs(attributes),
        "host-" + id, "10.0.0.1");
  }

  /** Registers a worker with {@code cpu} cpus and 64 GiB of memory. */
  Store worker(String id, int cpu, String... attributes) {
    return worker(registration(id, Resources.of(cpu, 64 * GIB), attributes));
  }

  Store worker(WorkerRecord.Registration r) {
    state.registerWorker(r, List.of(), now);
    return this;
  }

  WorkerRecord w(String id) {
    return state.worker(id).orElseThrow();
  }

  /** The tasks a worker holds resources for, as "job/task-i#attempt". */
  List<String> holdings(String workerId) {
    return w(workerId).holdings().values().stream().map(h -> h.task() + "#" + h.attemptId()).sorted().toList();
  }

  int committedCpu(String workerId) {
    return w(workerId).committed().cpu();
  }

  /** A heartbeat listing exactly {@code attempts} ("job/task-i#attempt=STATE"). */
  boolean heartbeat(String workerId, String... attempts) {
    List<AttemptReport> list = new ArrayList<>();
    for (String a : attempts) {
      String[] kv = a.split("=");
      String[] ta = kv[0].split("#");
      list.add(new AttemptReport(TaskId.parse(ta[0]), Integer.parseInt(ta[1]), TaskState.valueOf(kv[1]), 0, "",
          null));
    }
    return state.heartbeat(workerId, list, now);
  }

  // ------------------------------------------------------------------ jobs

  static Spec spec(String id) {
    return new Spec(JobId.of(id));
  }

  /** Submits a job of {@code replicas} tasks of {@code cpu} cpu each, default policy. */
  Job submit(String id, int replicas, int cpu) {
    return submit(spec(id).replicas(replicas).cpu(cpu));
  }

  Job submit(Spec spec) {
    return state.submit(spec.build(), null, now);
  }

  Job job(String id) {
    return state.job(JobId.of(id)).orElseThrow();
  }

  JobState jobState(String id) {
    return job(id).state();
  }

  Task task(String taskId) {
    TaskId t = TaskId.parse(taskId);
    return job(t.job().value()).task(t.index());
  }

  TaskState taskState(String taskId) {
    return task(taskId).state();
  }

  /** The job's non-zero per-state task counts. */
  Map<TaskState, Integer> counts(String id) {
    Map<TaskState, Integer> out = new EnumMap<>(TaskState.class);
    for (TaskState s : TaskState.values()) {
      int n = job(id).count(s);
      if (n > 0) {
        out.put(s, n);
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ scheduling

  Plan plan() {
    ClusterState.SchedulingInput in = state.schedulingInput();
    return scheduler.schedule(in.queue(), in.workers());
  }

  /** One scheduling pass committed; returns how many assignments were committed. */
  int schedule() {
    return state.commit(plan(), now);
  }

  /** Task id to worker id of every active task, for the whole store. */
  Map<String, String> placements() {
    Map<String, String> out = new LinkedHashMap<>();
    for (Job j : state.jobs()) {
      for (Task t : j.tasks()) {
        if (t.activeWorkerId() != null) {
          out.put(t.id().toString(), t.activeWorkerId());
        }
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ reports

  /** The worker reports {@code state} for the current attempt of {@code taskId}, from its own worker. */
  boolean report(String taskId, TaskState s) {
    return report(taskId, s, s == TaskState.FAILED ? 1 : 0);
  }

  boolean report(String taskId, TaskState s, int exitCode) {
    TaskAttempt a = task(taskId).currentAttempt();
    return report(a.workerId(), taskId, a.attemptId(), s, exitCode);
  }

  boolean report(String workerId, String taskId, int attemptId, TaskState s) {
    return report(workerId, taskId, attemptId, s, s == TaskState.FAILED ? 1 : 0);
  }

  boolean report(String workerId, String taskId, int attemptId, TaskState s, int exitCode) {
    return state.report(workerId, new AttemptReport(TaskId.parse(taskId), attemptId, s, exitCode,
        s == TaskState.FAILED ? "exit " + exitCode : "", null), now);
  }

  void runAndSucceed(String taskId) {
    assertThat(report(taskId, TaskState.RUNNING)).isTrue();
    assertThat(report(taskId, TaskState.SUCCEEDED)).isTrue();
  }

  // ------------------------------------------------------------------ outbox

  Drained drain() {
    return state.outbox().drain();
  }

  /** Worker commands as "Run job/task-i#attempt@worker" or "Kill job/task-i#attempt@worker". */
  static List<String> commands(Drained d) {
    return d.commands().stream().map(Store::describe).toList();
  }

  static String describe(WorkerInstruction c) {
    String kind = c instanceof RunTask ? "Run" : c instanceof KillTask ? "Kill" : "?";
    return kind + " " + c.task() + "#" + c.attemptId() + "@" + c.workerId();
  }

  /** Task events as "job/task-i STATE", in order. */
  static List<String> taskEvents(Drained d) {
    return d.events().stream().filter(e -> e.kind() == StoreEvent.Kind.TASK_STATE_CHANGED)
        .map(e -> e.taskId() + " " + e.taskState()).toList();
  }

  /** Job events as "job STATE", in order. */
  static List<String> jobEvents(Drained d) {
    return d.events().stream().filter(e -> e.kind() == StoreEvent.Kind.JOB_STATE_CHANGED)
        .map(e -> e.jobId() + " " + e.jobState()).toList();
  }

  static List<StoreEvent> events(Drained d, StoreEvent.Kind kind) {
    return d.events().stream().filter(e -> e.kind() == kind).toList();
  }

  // ------------------------------------------------------------------ invariants

  /**
   * Capacity bookkeeping agrees with the tasks: each worker's committed resources are the sum of its
   * holdings and fit its capacity; its holdings are exactly the active attempts placed on it (and a lost
   * worker holds nothing); every job's per-state counts sum to its task count and match its tasks.
   */
  void assertConsistent() {
    Map<String, Map<TaskId, Integer>> active = new HashMap<>();
    Map<TaskId, Resources> need = new HashMap<>();
    for (Job j : state.jobs()) {
      int sum = 0;
      Map<TaskState, Integer> byTask = new EnumMap<>(TaskState.class);
      for (Task t : j.tasks()) {
        byTask.merge(t.state(), 1, Integer::sum);
        TaskAttempt a = t.currentAttempt();
        assertThat(t.state().isActive()).as("%s is %s, its attempt %s", t.id(), t.state(), a == null ? null : a.state())
            .isEqualTo(a != null && a.isActive());
        if (a != null && a.isActive()) {
          assertThat(a.state()).as("attempt state of %s", t.id()).isEqualTo(t.state());
          active.computeIfAbsent(a.workerId(), k -> new HashMap<>()).put(t.id(), a.attemptId());
          need.put(t.id(), j.spec().resources());
        }
        for (TaskAttempt old : t.attempts()) {
          if (old != a) {
            assertThat(old.isActive()).as("an earlier attempt of %s is still active", t.id()).isFalse();
          }
        }
      }
      for (TaskState s : TaskState.values()) {
        sum += j.count(s);
        assertThat(j.count(s)).as("%s count of %s", j.id(), s).isEqualTo(byTask.getOrDefault(s, 0));
      }
      assertThat(sum).as("counts of %s", j.id()).isEqualTo(j.numTasks());
      if (j.isFinished()) {
        assertThat(j.count(TaskState.PENDING) + j.count(TaskState.ASSIGNED) + j.count(TaskState.BUILDING)
            + j.count(TaskState.RUNNING)).as("unfinished tasks of finished %s", j.id()).isZero();
      }
    }
    for (WorkerRecord w : state.workers()) {
      Resources sum = Resources.NONE;
      Map<TaskId, Integer> held = new HashMap<>();
      for (WorkerRecord.Holding h : w.holdings().values()) {
        sum = sum.plus(h.resources());
        held.put(h.task(), h.attemptId());
        assertThat(h.resources()).as("%s holds %s", w.id(), h.task()).isEqualTo(need.get(h.task()));
      }
      Resources c = w.committed();
      assertThat(List.of(c.cpu(), c.memoryBytes(), c.diskBytes(), c.gpus()))
          .as("committed of %s", w.id())
          .isEqualTo(List.of(sum.cpu(), sum.memoryBytes(), sum.diskBytes(), sum.gpus()));
      Resources cap = w.capacity();
      assertThat(c.cpu() <= cap.cpu() && c.memoryBytes() <= cap.memoryBytes() && c.diskBytes() <= cap.diskBytes()
          && c.gpus() <= cap.gpus()).as("%s committed %s of %s", w.id(), c, cap).isTrue();
      assertThat(held).as("holdings of %s", w.id()).isEqualTo(active.getOrDefault(w.id(), Map.of()));
      if (!w.isAlive()) {
        assertThat(held).as("a lost worker holds nothing: %s", w.id()).isEmpty();
      }
    }
    for (String workerId : active.keySet()) {
      assertThat(state.worker(workerId)).as("active attempts on unknown worker %s", workerId).isPresent();
    }
  }

  // ------------------------------------------------------------------ builders

  static Map<String, String> attrs(String... keysAndValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  /** A job spec with the original's defaults unless changed. */
  static final class Spec {
    private final JobId id;
    private int replicas = 1;
    private Resources resources = Resources.of(1, GIB);
    private List<Constraint> constraints = List.of();
    private String coscheduleBy = "";
    private int maxTaskFailures;
    private int maxRetriesFailure = JobSpec.DEFAULT_MAX_RETRIES_FAILURE;
    private int maxRetriesPreemption = JobSpec.DEFAULT_MAX_RETRIES_PREEMPTION;
    private long schedulingTimeoutMs;
    private String bundleHash = "";

    Spec(JobId id) {
      this.id = id;
    }

    Spec replicas(int n) {
      replicas = n;
      return this;
    }

    Spec cpu(int cpu) {
      resources = Resources.of(cpu, GIB);
      return this;
    }

    Spec resources(Resources r) {
      resources = r;
      return this;
    }

    Spec constraints(Constraint... c) {
      constraints = List.of(c);
      return this;
    }

    Spec gang(String attribute) {
      coscheduleBy = attribute;
      return this;
    }

    Spec maxTaskFailures(int n) {
      maxTaskFailures = n;
      return this;
    }

    Spec retries(int onFailure, int onPreemption) {
      maxRetriesFailure = onFailure;
      maxRetriesPreemption = onPreemption;
      return this;
    }

    Spec schedulingTimeoutMs(long ms) {
      schedulingTimeoutMs = ms;
      return this;
    }

    Spec bundleHash(String hash) {
      bundleHash = hash;
      return this;
    }

    JobSpec build() {
      return new JobSpec(id, List.of("python", "train.py"), resources, replicas, Map.of(), List.of(),
          constraints, coscheduleBy, maxTaskFailures, maxRetriesFailure, maxRetriesPreemption,
          schedulingTimeoutMs, 0, List.of(), bundleHash, "alice");
    }
  }
}
