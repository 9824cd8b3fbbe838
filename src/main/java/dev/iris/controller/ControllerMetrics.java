package dev.iris.controller;

import dev.iris.common.HistogramBuckets;
import dev.iris.controller.state.ClusterState;
import dev.iris.controller.state.StoreObserver;
import dev.iris.controller.state.WorkerRecord;
import dev.iris.core.Job;
import dev.iris.core.JobState;
import dev.iris.core.TaskState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The controller's metrics in Prometheus format: jobs and tasks by state, task transitions, scheduling
 * passes, dispatch latency, per-RPC latency, submit-to-ASSIGNED and submit-to-RUNNING latency, workers
 * alive and lost; the durable store's journal, recovery and snapshots ({@link #store()}). Hot-path
 * instruments are pre-registered and cached; state gauges are refreshed from one store query per scrape
 * rather than on every change.
 */
public final class ControllerMetrics implements StoreObserver {
  /** Losses within this window count as one burst: workers' silences end out of step, by up to a heartbeat or so. */
  static final long BURST_WINDOW_MS = 5_000;
  /** Workers unreachable and lost are logged under this name, for operators (the action log has them too). */
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger("dev.iris.controller.Membership");
  /** Bucket bounds of the latency histograms (submit to ASSIGNED/RUNNING, scheduling pass, dispatch). */
  private static final Duration[] LATENCY_BUCKETS = HistogramBuckets.millis(0.5, 1, 2.5, 5, 10, 25, 50, 100, 250,
      500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 300_000);
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final StoreMetrics store = new StoreMetrics(registry, java.time.Clock.systemUTC());
  private final Counter[][] transitions;
  private final Timer submitToAssigned;
  private final Timer submitToRunning;
  private final Timer schedulingPass;
  private final io.micrometer.core.instrument.DistributionSummary planSize;
  private final Counter committed;
  private final Counter rejected;
  private final Counter workersLostTotal;
  /** When recent workers were lost (the store's clock, ms), for the burst warning; the store's thread only. */
  private final java.util.ArrayDeque<Long> recentLosses = new java.util.ArrayDeque<>();
  private long burstWarnedAtMs = Long.MIN_VALUE / 2;
  private final Timer dispatchOk;
  private final Timer dispatchFailed;
  private final Map<String, Timer> rpc = new ConcurrentHashMap<>();
  private final Map<TaskState, AtomicLong> tasks = new EnumMap<>(TaskState.class);
  private final Map<JobState, AtomicLong> jobs = new EnumMap<>(JobState.class);
  private final AtomicLong workersAlive = new AtomicLong();
  private final AtomicLong workersLost = new AtomicLong();

  public ControllerMetrics() {
    TaskState[] states = TaskState.values();
    transitions = new Counter[states.length][states.length];
    for (TaskState from : states) {
      for (TaskState to : states) {
        transitions[from.ordinal()][to.ordinal()] = Counter.builder("iris_task_transitions")
            .description("Task state transitions").tag("from", from.name()).tag("to", to.name()).register(registry);
      }
    }
    submitToAssigned = latency("iris_task_submit_to_assigned", "Job submission to a task's first ASSIGNED");
    submitToRunning = latency("iris_task_submit_to_running", "Job submission to a task's first RUNNING");
    schedulingPass = latency("iris_scheduling_pass", "Duration of a scheduling pass (snapshot, plan, commit)");
    planSize = io.micrometer.core.instrument.DistributionSummary.builder("iris_scheduling_plan_size")
        .description("Assignments planned per scheduling pass that had pending tasks").register(registry);
    committed = Counter.builder("iris_scheduling_assignments").tag("outcome", "committed")
        .description("Planned assignments the store committed or rejected on re-check").register(registry);
    rejected = Counter.builder("iris_scheduling_assignments").tag("outcome", "rejected")
        .description("Planned assignments the store committed or rejected on re-check").register(registry);
    workersLostTotal = Counter.builder("iris_workers_lost").description("Workers declared lost (heartbeat timeout or unreachable on probe)")
        .register(registry);
    dispatchOk = Timer.builder("iris_dispatch").tag("outcome", "delivered").serviceLevelObjectives(LATENCY_BUCKETS)
        .description("RunTask delivery latency, retries included").register(registry);
    dispatchFailed = Timer.builder("iris_dispatch").tag("outcome", "failed").serviceLevelObjectives(LATENCY_BUCKETS)
        .description("RunTask delivery latency, retries included").register(registry);
    for (TaskState s : states) {
      AtomicLong v = new AtomicLong();
      tasks.put(s, v);
      Gauge.builder("iris_tasks", v, AtomicLong::get).tag("state", s.name()).description("Tasks by state")
          .register(registry);
    }
    for (JobState s : JobState.values()) {
      AtomicLong v = new AtomicLong();
      jobs.put(s, v);
      Gauge.builder("iris_jobs", v, AtomicLong::get).tag("state", s.name()).description("Jobs by state")
          .register(registry);
    }
    Gauge.builder("iris_workers", workersAlive, AtomicLong::get).tag("status", "alive").register(registry);
    Gauge.builder("iris_workers", workersLost, AtomicLong::get).tag("status", "lost").register(registry);
  }

  /** The durable store's instruments (journal commits, changes in flight, recovery, snapshots). */
  public StoreMetrics store() {
    return store;
  }

  private Timer latency(String name, String description) {
    return Timer.builder(name).description(description).serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
  }

  @Override
  public void taskChanged(TaskState from, TaskState to, boolean firstAttempt, long sinceSubmitMs) {
    transitions[from.ordinal()][to.ordinal()].increment();
    if (firstAttempt && to == TaskState.ASSIGNED) {
      submitToAssigned.record(sinceSubmitMs, TimeUnit.MILLISECONDS);
    } else if (firstAttempt && to == TaskState.RUNNING) {
      submitToRunning.record(sinceSubmitMs, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void workerLost(String workerId, String why, long nowMs, int aliveAfter) {
    workersLostTotal.increment();
    log.warn("{}: its attempts fail over", why);
    while (!recentLosses.isEmpty() && nowMs - recentLosses.peekFirst() > BURST_WINDOW_MS) {
      recentLosses.removeFirst();
    }
    recentLosses.addLast(nowMs);
    int lost = recentLosses.size();
    if (lost > 2 && 2 * lost > lost + aliveAfter && nowMs - burstWarnedAtMs > BURST_WINDOW_MS) {
      burstWarnedAtMs = nowMs;
      log.warn("{} of {} workers were lost within {} s: suspect (a stall of the controller, or a network fault on its "
          + "side?); see the action log", lost, lost + aliveAfter, BURST_WINDOW_MS / 1_000);
    }
  }

  @Override
  public void workerUnreachable(String workerId, long silentMs, long failsOverInMs) {
    log.info("worker {} unreachable (no heartbeat for {} ms): given no new tasks; its attempts fail over in {} ms, "
        + "when its lease surely ran out, unless it is heard from or known dead first", workerId, silentMs,
        failsOverInMs);
  }

  /** A pass that had pending tasks: its duration, assignments planned and committed. */
  void schedulingPass(long nanos, int planned, int committedCount) {
    schedulingPass.record(nanos, TimeUnit.NANOSECONDS);
    planSize.record(planned);
    committed.increment(committedCount);
    rejected.increment(planned - committedCount);
  }

  void dispatch(long nanos, boolean delivered) {
    (delivered ? dispatchOk : dispatchFailed).record(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * One ControllerService call, as answered ({@code OK} or the gRPC status name): the recorder of
   * {@link dev.iris.common.RpcGuard}.
   */
  public void rpc(String method, String status, long nanos) {
    rpc.computeIfAbsent(method + "/" + status, k -> Timer.builder("iris_rpc").tag("method", method)
            .tag("status", status).description("ControllerService calls, as answered")
            .serviceLevelObjectives(HistogramBuckets.RPC).register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Counts for the state gauges, computed on the store's thread: tasks and jobs by state (indexed by the
   * states' ordinals), workers alive and lost.
   */
  public record Snapshot(long[] tasks, long[] jobs, long alive, long lost) {
    static Snapshot of(ClusterState s) {
      long[] t = new long[TaskState.values().length];
      long[] j = new long[JobState.values().length];
      for (Job job : s.jobs()) {
        j[job.state().ordinal()]++;
        for (TaskState st : TaskState.values()) {
          t[st.ordinal()] += job.count(st);
        }
      }
      long alive = s.workers().stream().filter(WorkerRecord::isAlive).count();
      return new Snapshot(t, j, alive, s.workers().size() - alive);
    }
  }

  /** Renders the registry after updating the state gauges from {@code snapshot}. */
  public String scrape(Snapshot snapshot) {
    tasks.forEach((s, v) -> v.set(snapshot.tasks()[s.ordinal()]));
    jobs.forEach((s, v) -> v.set(snapshot.jobs()[s.ordinal()]));
    workersAlive.set(snapshot.alive());
    workersLost.set(snapshot.lost());
    return registry.scrape();
  }
}
