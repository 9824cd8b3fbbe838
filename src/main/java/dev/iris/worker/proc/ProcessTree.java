package dev.iris.worker.proc;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the processes that belong to a task: its root, every descendant by parent pid, and, when the
 * root was started as the leader of its own session, every process still in that session (children that
 * were re-parented after their parent died stay in the session) together with their descendants.
 *
 * <p>The session sweep is safe against pid reuse: the kernel does not hand out a pid while it is still
 * used as a session id, and a session whose id is now the pid of some other process is not ours.
 */
public final class ProcessTree {
  private static final long OWN_SESSION =
      ProcFs.stat(ProcessHandle.current().pid()).map(ProcStat::session).orElse(-1L);

  private ProcessTree() {}

  /**
   * The live members of the tree rooted at {@code root}, root first, in a consistent snapshot.
   *
   * @param snapshot every process, as {@link ProcFs#all()} returns it
   * @param root the identity of the root process (which may already have exited)
   * @param sessionLeader whether the root was started as the leader of its own session
   */
  public static List<ProcStat> members(List<ProcStat> snapshot, ProcId root, boolean sessionLeader) {
    Map<Long, ProcStat> byPid = new HashMap<>();
    Map<Long, List<ProcStat>> children = new HashMap<>();
    for (ProcStat stat : snapshot) {
      byPid.put(stat.pid(), stat);
      children.computeIfAbsent(stat.ppid(), k -> new ArrayList<>()).add(stat);
    }
    Map<Long, ProcStat> found = new LinkedHashMap<>();
    Deque<ProcStat> queue = new ArrayDeque<>();
    ProcStat rootStat = byPid.get(root.pid());
    boolean rootPresent = rootStat != null && rootStat.startTicks() == root.startTicks();
    if (rootPresent) {
      queue.add(rootStat);
    }
    if (sessionLeader && root.pid() != OWN_SESSION && (rootPresent || rootStat == null)) {
      for (ProcStat stat : snapshot) {
        if (stat.session() == root.pid()) {
          queue.add(stat);
        }
      }
    }
    while (!queue.isEmpty()) {
      ProcStat next = queue.poll();
      if (found.putIfAbsent(next.pid(), next) == null) {
        queue.addAll(children.getOrDefault(next.pid(), List.of()));
      }
    }
    List<ProcStat> live = new ArrayList<>(found.size());
    for (ProcStat stat : found.values()) {
      if (stat.isLive()) {
        live.add(stat);
      }
    }
    return live;
  }

  /** Convenience: the live members of the tree of a running root, detecting whether it leads a session. */
  public static List<ProcStat> membersOf(long rootPid) {
    return membersOf(ProcFs.all(), rootPid);
  }

  /** The live members of the tree of {@code rootPid} in {@code snapshot}, detecting whether it leads a session. */
  public static List<ProcStat> membersOf(List<ProcStat> snapshot, long rootPid) {
    for (ProcStat stat : snapshot) {
      if (stat.pid() == rootPid) {
        return members(snapshot, stat.id(), stat.session() == stat.pid());
      }
    }
    return List.of();
  }
}
