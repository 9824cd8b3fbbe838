package dev.iris.worker.usage;

import dev.iris.worker.proc.ProcFs;
import dev.iris.worker.proc.ProcId;
import dev.iris.worker.proc.ProcStat;
import dev.iris.worker.proc.ProcessTree;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the resource counters of a process tree from {@code /proc}: the root, its descendants and, when
 * the root leads its own session, the session's re-parented processes. Never throws for processes that
 * vanish while being read; a gone root gives {@link TreeUsage#NONE}. Stateless and thread-safe.
 */
public final class ProcessTreeUsageSampler {

  /** The counters of the tree rooted at {@code rootPid}. */
  public TreeUsage sample(long rootPid) {
    return sample(ProcFs.all(), rootPid);
  }

  /**
   * The counters of the tree rooted at {@code rootPid} in {@code snapshot} (every process, as
   * {@link ProcFs#all()} returns it), so that one scan of {@code /proc} serves many trees.
   */
  public static TreeUsage sample(List<ProcStat> snapshot, long rootPid) {
    Map<ProcId, Long> ticks = new HashMap<>();
    long rssPages = 0;
    for (ProcStat stat : ProcessTree.membersOf(snapshot, rootPid)) {
      ticks.put(stat.id(), stat.cpuTicks());
      rssPages += stat.rssPages();
    }
    return ticks.isEmpty() ? TreeUsage.NONE : new TreeUsage(ticks, rssPages * ProcFs.pageSize());
  }

  /**
   * The total size of the regular files under {@code dir}, not following symbolic links and skipping
   * whatever cannot be read; 0 when {@code dir} does not exist.
   */
  public static long diskUsageBytes(Path dir) {
    long[] total = {0};
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
          if (attributes.isRegularFile()) {
            total[0] += attributes.size();
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          return FileVisitResult.CONTINUE; // unreadable or deleted meanwhile: not counted
        }
      });
    } catch (IOException e) {
      return total[0]; // the walk itself failed: report what was counted
    }
    return total[0];
  }
}
