package dev.iris.worker;

import dev.iris.common.HistogramBuckets;
import dev.iris.common.ProtoStates;
import dev.iris.rpc.TaskState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * One worker's metrics in Prometheus format, served at {@code /metrics} on its port: process launches and
 * launch latency, attempts ended by state and current attempts by state, bundle installs, ports held,
 * WorkerService latency by method, state reports, heartbeat round trips, log lines and bytes written.
 *
 * <p>One registry per worker (several workers may share a JVM). Instruments are created up front or once
 * per key; log lines and bytes (counted on output threads) are {@link LongAdder}s read at scrape time;
 * attempts by state are counted from the task table at scrape time, not on every change.
 */
public final class WorkerMetrics {
  /** Bucket bounds of the launch and heartbeat histograms (a dozen, not Micrometer's hundred). */
  private static final Duration[] LATENCY_BUCKETS = HistogramBuckets.millis(1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000,
      10_000, 30_000, 60_000);
  private static final TaskState[] GAUGED = {TaskState.TASK_STATE_ASSIGNED, TaskState.TASK_STATE_BUILDING,
      TaskState.TASK_STATE_RUNNING};

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter launched;
  private final Counter failedToStart;
  private final Timer launchLatency;
  private final Map<TaskState, Counter> ended = new ConcurrentHashMap<>();
  private final Map<TaskState, AtomicLong> attempts = new EnumMap<>(TaskState.class);
  private final Counter bundleFromCache;
  private final Counter bundleFetched;
  private final Counter bundleFailed;
  private final Map<String, Map<String, Timer>> rpc = new ConcurrentHashMap<>();
  private final Counter reportDelivered;
  private final Counter reportRetried;
  private final Counter reportRefused;
  private final Timer heartbeatOk;
  private final Timer heartbeatFailed;
  private final LongAdder logLines = new LongAdder();
  private final LongAdder logBytes = new LongAdder();

  /** Metrics of one worker; {@code portsHeld} is read at scrape time. */
  public WorkerMetrics(IntSupplier portsHeld) {
    launched = launches("started");
    failedToStart = launches("failed_to_start");
    launchLatency = latency("iris_worker_launch", "RunTask received to the task's process started")
        .register(registry);
    for (TaskState s : new TaskState[] {TaskState.TASK_STATE_SUCCEEDED, TaskState.TASK_STATE_FAILED,
        TaskState.TASK_STATE_KILLED}) {
      endedCounter(s);
    }
    for (TaskState s : GAUGED) {
      AtomicLong v = new AtomicLong();
      attempts.put(s, v);
      Gauge.builder("iris_worker_attempts", v, AtomicLong::get).tag("state", ProtoStates.shortName(s))
          .description("Unfinished attempts on this worker by state").register(registry);
    }
    bundleFromCache = bundles("cache_hit");
    bundleFetched = bundles("fetched");
    bundleFailed = bundles("failed");
    Gauge.builder("iris_worker_ports_held", portsHeld, IntSupplier::getAsInt).strongReference(true)
        .description("Ports allocated to attempts").register(registry);
    reportDelivered = reports("delivered");
    reportRetried = reports("retried");
    reportRefused = reports("refused");
    heartbeatOk = latency("iris_worker_heartbeat", "Heartbeat round trip to the controller").tag("outcome", "ok")
        .register(registry);
    heartbeatFailed = latency("iris_worker_heartbeat", "Heartbeat round trip to the controller")
        .tag("outcome", "failed").register(registry);
    FunctionCounter.builder("iris_worker_log_lines", logLines, LongAdder::sum)
        .description("Task output lines written to the log store").register(registry);
    FunctionCounter.builder("iris_worker_log_bytes", logBytes, LongAdder::sum).baseUnit("bytes")
        .description("Bytes written to the log store (records, headers included)").register(registry);
  }

  /** A task's command was started ({@code started}) or could not be; latency counts from RunTask. */
  void processLaunch(boolean started, long sinceRunTaskNanos) {
    if (started) {
      launched.increment();
      launchLatency.record(sinceRunTaskNanos, TimeUnit.NANOSECONDS);
    } else {
      failedToStart.increment();
    }
  }

  void attemptEnded(TaskState state) {
    endedCounter(state).increment();
  }

  void bundleInstalled(boolean fromCache) {
    (fromCache ? bundleFromCache : bundleFetched).increment();
  }

  void bundleFailed() {
    bundleFailed.increment();
  }

  /** One WorkerService call, as answered ({@code OK} or the gRPC status name). */
  void rpc(String method, String status, long nanos) {
    Map<String, Timer> byStatus = rpc.computeIfAbsent(method, m -> new ConcurrentHashMap<>());
    Timer t = byStatus.get(status);
    if (t == null) {
      t = byStatus.computeIfAbsent(status, s -> Timer.builder("iris_worker_rpc").tag("method", method)
          .tag("status", s).description("WorkerService calls, as answered").serviceLevelObjectives(HistogramBuckets.RPC)
          .register(registry));
    }
    t.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A state report (alone or in a batch) was acknowledged, failed and will be retried, or was refused for good. */
  void reportDelivered() {
    reportDelivered.increment();
  }

  void reportRetried() {
    reportRetried.increment();
  }

  void reportRefused() {
    reportRefused.increment();
  }

  void heartbeat(boolean ok, long nanos) {
    (ok ? heartbeatOk : heartbeatFailed).record(nanos, TimeUnit.NANOSECONDS);
  }

  /** One line written to the log store; called on output threads. */
  void logLine(int bytes) {
    logLines.increment();
    logBytes.add(bytes);
  }

  /** Renders the registry after counting {@code unfinished} attempts by state. Call on the worker's context. */
  String scrape(Collection<Attempt> unfinished) {
    long[] counts = new long[TaskState.values().length];
    for (Attempt a : unfinished) {
      counts[AttemptProtos.state(a.state).ordinal()]++;
    }
    attempts.forEach((s, v) -> v.set(counts[s.ordinal()]));
    return registry.scrape();
  }

  private Counter endedCounter(TaskState s) {
    return ended.computeIfAbsent(s, k -> Counter.builder("iris_worker_attempts_ended")
        .tag("state", ProtoStates.shortName(k))
        .description("Attempts that reached a final state on this worker").register(registry));
  }

  private Counter launches(String outcome) {
    return Counter.builder("iris_worker_process_launches").tag("outcome", outcome)
        .description("Task command processes started or failed to start").register(registry);
  }

  private Counter bundles(String outcome) {
    return Counter.builder("iris_worker_bundle_installs").tag("outcome", outcome)
        .description("Bundles put into attempt directories: from the cache, fetched, or failed").register(registry);
  }

  private Counter reports(String outcome) {
    return Counter.builder("iris_worker_state_reports").tag("outcome", outcome)
        .description("State reports sent to the controller: delivered, failed and retried, or refused")
        .register(registry);
  }

  private static Timer.Builder latency(String name, String description) {
    return Timer.builder(name).description(description).serviceLevelObjectives(LATENCY_BUCKETS);
  }
}
