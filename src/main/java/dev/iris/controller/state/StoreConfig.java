package dev.iris.controller.state;

import dev.iris.core.Lease;

/**
 * Tunables of the state store.
 *
 * @param workerTimeoutMs a worker silent this long is unschedulable (suspect), and lost when it holds no lease (default 5 s)
 * @param startCapacity how many tasks may be starting (ASSIGNED or BUILDING) on a worker that does not state
 *     its own start capacity
 * @param killGraceMs SIGTERM-to-SIGKILL grace sent with kills (default 5 s)
 * @param eventsRetained committed events kept for watchers that resume
 * @param probeAfterMs a worker silent this long is probed (and probed again every as long while silent);
 *     a probe that cannot connect at all means the worker's process is gone, and the worker is lost at
 *     once instead of at {@code workerTimeoutMs} (default 1.5 s: one missed heartbeat and some slack)
 * @param leaseMs the lease each acknowledgement grants a worker ({@link Lease}; default 25 s): a worker silent for
 *     {@code workerTimeoutMs} only becomes unschedulable, and its attempts fail over once its lease surely ran out
 *     ({@link Lease#surelyExpiredAfterMs}), unless it is known dead before. 0: no leases (workers never fence, and a
 *     silent worker is lost at {@code workerTimeoutMs}, as before leases)
 */
public record StoreConfig(long workerTimeoutMs, int startCapacity, int killGraceMs, int eventsRetained,
    long probeAfterMs, JobRetention jobRetention, long leaseMs) {
  /** The start capacity of a worker that states none. */
  public static final int DEFAULT_START_CAPACITY = 32;
  public static final StoreConfig DEFAULT = new StoreConfig(5_000, DEFAULT_START_CAPACITY, 5_000, 100_000, 1_500,
      JobRetention.DEFAULT, Lease.DEFAULT.lengthMs());

  /**
   * How long finished jobs are remembered. A finished top-level job, with its child jobs once all of them
   * finished, is forgotten {@code finishedJobTtlMs} after it finished, or earlier, oldest finished first, while
   * the finished jobs remembered hold more than {@code finishedTasks} tasks or are more than {@code finishedJobs}
   * jobs (child jobs counted): the controller's memory, and its snapshots, stay bounded however many jobs pass
   * through it (a finished task with its attempts takes about 1 KB of memory).
   */
  public record JobRetention(long finishedJobTtlMs, long finishedTasks, long finishedJobs) {
    /** Finished jobs remembered at most, by default. */
    public static final long DEFAULT_FINISHED_JOBS = 10_000;
    public static final JobRetention DEFAULT = new JobRetention(24 * 3_600_000L, 200_000, DEFAULT_FINISHED_JOBS);

    public JobRetention {
      if (finishedJobTtlMs <= 0 || finishedTasks <= 0 || finishedJobs <= 0) {
        throw new IllegalArgumentException("job retention must be positive: " + finishedJobTtlMs + " ms, "
            + finishedTasks + " tasks, " + finishedJobs + " jobs");
      }
    }

    /** At most {@value #DEFAULT_FINISHED_JOBS} finished jobs. */
    public JobRetention(long finishedJobTtlMs, long finishedTasks) {
      this(finishedJobTtlMs, finishedTasks, DEFAULT_FINISHED_JOBS);
    }

    public JobRetention withFinishedJobs(long jobs) {
      return new JobRetention(finishedJobTtlMs, finishedTasks, jobs);
    }
  }

  /** No leases ({@code leaseMs} 0). */
  public StoreConfig(long workerTimeoutMs, int startCapacity, int killGraceMs, int eventsRetained,
      long probeAfterMs, JobRetention jobRetention) {
    this(workerTimeoutMs, startCapacity, killGraceMs, eventsRetained, probeAfterMs, jobRetention, 0);
  }

  /** No leases, the default retention. */
  public StoreConfig(long workerTimeoutMs, int startCapacity, int killGraceMs, int eventsRetained,
      long probeAfterMs) {
    this(workerTimeoutMs, startCapacity, killGraceMs, eventsRetained, probeAfterMs, JobRetention.DEFAULT);
  }

  public StoreConfig withJobRetention(JobRetention r) {
    return new StoreConfig(workerTimeoutMs, startCapacity, killGraceMs, eventsRetained, probeAfterMs, r, leaseMs);
  }

  /** The same with leases of {@code ms} (0: none). */
  public StoreConfig withLeaseMs(long ms) {
    return new StoreConfig(workerTimeoutMs, startCapacity, killGraceMs, eventsRetained, probeAfterMs, jobRetention, ms);
  }

  /** The lease granted to workers ({@link Lease#NONE} when {@code leaseMs} is 0). */
  public Lease lease() {
    return new Lease(leaseMs);
  }

  /**
   * How long a worker may be silent before its attempts fail over: its lease surely ran out (and never less than
   * the worker timeout), or, without leases, the worker timeout.
   */
  public long lostAfterMs() {
    return Math.max(workerTimeoutMs, lease().surelyExpiredAfterMs());
  }

  public StoreConfig {
    java.util.Objects.requireNonNull(jobRetention, "jobRetention");
    new Lease(leaseMs); // checks it
    if (probeAfterMs <= 0) {
      throw new IllegalArgumentException("probeAfterMs must be positive, was " + probeAfterMs);
    }
    if (eventsRetained <= 0) {
      throw new IllegalArgumentException("eventsRetained must be positive, was " + eventsRetained);
    }
    if (startCapacity <= 0) {
      throw new IllegalArgumentException("startCapacity must be positive, was " + startCapacity);
    }
  }

  /** What differs from {@code before}, for people: {@code worker timeout 5000 -> 10000 ms, ...}; "" when nothing. */
  public String changesFrom(StoreConfig before) {
    java.util.List<String> out = new java.util.ArrayList<>();
    change(out, "worker timeout", before.workerTimeoutMs, workerTimeoutMs, " ms");
    change(out, "start capacity", before.startCapacity, startCapacity, "");
    change(out, "kill grace", before.killGraceMs, killGraceMs, " ms");
    change(out, "events kept", before.eventsRetained, eventsRetained, "");
    change(out, "probe after", before.probeAfterMs, probeAfterMs, " ms");
    change(out, "lease", before.leaseMs, leaseMs, " ms");
    JobRetention a = before.jobRetention;
    change(out, "finished jobs kept for", a.finishedJobTtlMs(), jobRetention.finishedJobTtlMs(), " ms");
    change(out, "finished tasks kept", a.finishedTasks(), jobRetention.finishedTasks(), "");
    change(out, "finished jobs kept", a.finishedJobs(), jobRetention.finishedJobs(), "");
    return String.join(", ", out);
  }

  private static void change(java.util.List<String> out, String what, long from, long to, String unit) {
    if (from != to) {
      out.add(what + " " + from + " -> " + to + unit);
    }
  }

  /** Probes after {@code min(1.5 s, workerTimeoutMs / 2)}. */
  public StoreConfig(long workerTimeoutMs, int startCapacity, int killGraceMs, int eventsRetained) {
    this(workerTimeoutMs, startCapacity, killGraceMs, eventsRetained, Math.max(1, Math.min(1_500, workerTimeoutMs / 2)));
  }
}
