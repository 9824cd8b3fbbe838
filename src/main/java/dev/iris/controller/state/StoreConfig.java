package dev.iris.controller.state;

/**
 * Tunables of the state store.
 *
 * @param workerTimeoutMs a worker silent this long is lost (default 5 s)
 * @param startCapacity how many tasks may be starting (ASSIGNED or BUILDING) on a worker that does not state
 *     its own start capacity
 * @param killGraceMs SIGTERM-to-SIGKILL grace sent with kills (default 5 s)
 * @param eventsRetained committed events kept for watchers that resume
 * @param probeAfterMs a worker silent this long is probed (and probed again every as long while silent);
 *     a probe that cannot connect at all means the worker's process is gone, and the worker is lost at
 *     once instead of at {@code workerTimeoutMs} (default 1.5 s: one missed heartbeat and some slack)
 */
public record StoreConfig(long workerTimeoutMs, int startCapacity, int killGraceMs, int eventsRetained,
    long probeAfterMs, JobRetention jobRetention) {
  /** The start capacity of a worker that states none. */
  public static final int DEFAULT_START_CAPACITY = 32;
  public static final StoreConfig DEFAULT = new StoreConfig(5_000, DEFAULT_START_CAPACITY, 5_000, 100_000, 1_500,
      JobRetention.DEFAULT);

  /**
   * How long finished jobs are remembered. A finished top-level job, with its child jobs once all of them
   * finished, is forgotten {@code finishedJobTtlMs} after it finished, or earlier, oldest first, while the
   * finished jobs remembered hold more than {@code finishedTasks} tasks: the controller's memory stays bounded
   * however many jobs pass through it (a finished task with its attempts takes about 1 KB).
   */
  public record JobRetention(long finishedJobTtlMs, long finishedTasks) {
    public static final JobRetention DEFAULT = new JobRetention(24 * 3_600_000L, 200_000);

    public JobRetention {
      if (finishedJobTtlMs <= 0 || finishedTasks <= 0) {
        throw new IllegalArgumentException("job retention must be positive: " + finishedJobTtlMs + " ms, "
            + finishedTasks + " tasks");
      }
    }
  }

  public StoreConfig(long workerTimeoutMs, int startCapacity, int killGraceMs, int eventsRetained,
      long probeAfterMs) {
    this(workerTimeoutMs, startCapacity, killGraceMs, eventsRetained, probeAfterMs, JobRetention.DEFAULT);
  }

  public StoreConfig withJobRetention(JobRetention r) {
    return new StoreConfig(workerTimeoutMs, startCapacity, killGraceMs, eventsRetained, probeAfterMs, r);
  }

  public StoreConfig {
    java.util.Objects.requireNonNull(jobRetention, "jobRetention");
    if (probeAfterMs <= 0) {
      throw new IllegalArgumentException("probeAfterMs must be positive, was " + probeAfterMs);
    }
    if (startCapacity <= 0) {
      throw new IllegalArgumentException("startCapacity must be positive, was " + startCapacity);
    }
  }

  /** Probes after {@code min(1.5 s, workerTimeoutMs / 2)}. */
  public StoreConfig(long workerTimeoutMs, int startCapacity, int killGraceMs, int eventsRetained) {
    this(workerTimeoutMs, startCapacity, killGraceMs, eventsRetained, Math.max(1, Math.min(1_500, workerTimeoutMs / 2)));
  }
}
