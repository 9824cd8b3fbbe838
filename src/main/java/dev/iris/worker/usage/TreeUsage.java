package dev.iris.worker.usage;

import dev.iris.worker.proc.ProcId;
import java.util.Map;

/**
 * Raw counters of a process tree at one moment.
 *
 * @param cpuTicks cumulative user+system CPU clock ticks of each live process in the tree
 * @param rssBytes total resident memory of the tree
 */
public record TreeUsage(Map<ProcId, Long> cpuTicks, long rssBytes) {
  /** An empty tree (the root is gone). */
  public static final TreeUsage NONE = new TreeUsage(Map.of(), 0);

  /** Copies the map. */
  public TreeUsage {
    cpuTicks = Map.copyOf(cpuTicks);
  }

  /** Number of live processes. */
  public int processCount() {
    return cpuTicks.size();
  }
}
