package dev.iris.worker.usage;

import dev.iris.worker.proc.ProcFs;
import dev.iris.worker.proc.ProcId;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongFunction;

/**
 * Turns successive tree samples of one attempt into {@link UsageSample}s: CPU use since the previous
 * sample (per process, so processes that exit in between do not make it negative and new ones count in
 * full) and the memory peak. The first sample reports 0 CPU. Thread-safe; one tracker per attempt.
 */
public final class UsageTracker {
  private static final long MIB = 1024 * 1024;

  private final LongFunction<TreeUsage> sampler;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();
  private Map<ProcId, Long> previousTicks;
  private long previousMillis;
  private long memoryPeakMb;

  /** A tracker reading {@code /proc} through a {@link ProcessTreeUsageSampler}. */
  public UsageTracker(Clock clock) {
    this(new ProcessTreeUsageSampler()::sample, clock);
  }

  /**
   * A tracker reading trees through {@code sampler} (root pid to counters), timing the CPU deltas with
   * {@code clock}.
   */
  public UsageTracker(LongFunction<TreeUsage> sampler, Clock clock) {
    this.sampler = sampler;
    this.clock = clock;
  }

  /** Samples the tree of {@code rootPid} without disk usage. */
  public UsageSample sample(long rootPid) {
    return sample(rootPid, 0);
  }

  /** Samples the tree of {@code rootPid} and the disk usage under {@code workDir}. */
  public UsageSample sample(long rootPid, Path workDir) {
    return sample(rootPid, ProcessTreeUsageSampler.diskUsageBytes(workDir));
  }

  private UsageSample sample(long rootPid, long diskBytes) {
    return record(sampler.apply(rootPid), diskBytes);
  }

  /** The highest memory seen so far, in MiB. */
  public long memoryPeakMb() {
    lock.lock();
    try {
      return memoryPeakMb;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Records a tree read elsewhere (one {@code /proc} snapshot shared by every attempt of a sampling
   * round, see {@link ProcessTreeUsageSampler#sample(java.util.List, long)}) and the disk usage in bytes.
   */
  public UsageSample record(TreeUsage tree, long diskBytes) {
    lock.lock();
    try {
      long now = clock.millis();
      long millicores = 0;
      if (previousTicks != null && now > previousMillis) {
        long deltaTicks = 0;
        for (Map.Entry<ProcId, Long> entry : tree.cpuTicks().entrySet()) {
          long before = previousTicks.getOrDefault(entry.getKey(), 0L);
          deltaTicks += Math.max(0, entry.getValue() - before);
        }
        millicores = deltaTicks * 1000 * 1000 / (ProcFs.CLOCK_TICKS_PER_SECOND * (now - previousMillis));
      }
      previousTicks = tree.cpuTicks();
      previousMillis = now;
      long memoryMb = ceilMib(tree.rssBytes());
      memoryPeakMb = Math.max(memoryPeakMb, memoryMb);
      return new UsageSample(
          memoryMb, memoryPeakMb, (int) Math.round(millicores / 10.0), millicores,
          tree.processCount(), ceilMib(diskBytes));
    } finally {
      lock.unlock();
    }
  }

  private static long ceilMib(long bytes) {
    return (bytes + MIB - 1) / MIB;
  }
}
