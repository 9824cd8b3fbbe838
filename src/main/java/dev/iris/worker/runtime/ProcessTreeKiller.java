package dev.iris.worker.runtime;

import dev.iris.worker.proc.ProcFs;
import dev.iris.worker.proc.ProcId;
import dev.iris.worker.proc.ProcStat;
import dev.iris.worker.proc.ProcessTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kills a process tree: SIGTERM to every member (and to the members' process groups, which also reaches
 * processes forked while we look), SIGKILL to the survivors once the grace has passed, and completion
 * when no member is alive. The tree is re-collected whenever the known members are gone, so processes
 * that appeared late are not missed. All state of one kill lives on the single timer thread.
 */
final class ProcessTreeKiller {
  private static final Logger log = LoggerFactory.getLogger(ProcessTreeKiller.class);
  private static final long FIRST_POLL_MS = 5;
  private static final long MAX_POLL_MS = 100;
  private static final long SIGKILL_PATIENCE_MS = 10_000;
  private static final long OWN_PID = ProcessHandle.current().pid();
  private static final long OWN_PGRP = ProcFs.stat(OWN_PID).map(ProcStat::pgrp).orElse(-1L);

  private static final int SIGKILL = 9;
  private static final int SIGTERM = 15;

  private final ScheduledExecutorService timers;
  private final boolean nativeKill;
  private final String killProgram;

  ProcessTreeKiller(ScheduledExecutorService timers) {
    this.timers = timers;
    this.nativeKill = libcUsable();
    this.killProgram = nativeKill ? null : findKillProgram();
  }

  /**
   * Kills the tree rooted at {@code root}.
   *
   * @param sessionLeader whether the root was started as the leader of its own session, so that the
   *     session's processes count as members even after they were re-parented
   */
  CompletableFuture<Void> kill(ProcId root, boolean sessionLeader, Duration grace) {
    TreeKill kill = new TreeKill(root, sessionLeader, Math.max(0, grace.toMillis()));
    try {
      timers.execute(kill::begin);
    } catch (RejectedExecutionException closed) {
      kill.done.completeExceptionally(new IllegalStateException("the task runtime is closed", closed));
    }
    return kill.done;
  }

  private static boolean libcUsable() {
    try {
      return LibC.problem().isEmpty();
    } catch (LinkageError noJna) { // JNA left off the class path by an embedding program
      return false;
    }
  }

  private static String findKillProgram() {
    for (String candidate : List.of("/bin/kill", "/usr/bin/kill")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    return null;
  }

  /** One kill in progress; touched only by the timer thread. */
  private final class TreeKill {
    private final ProcId root;
    private final boolean sessionLeader;
    private final long graceMs;
    private final long startNanos = System.nanoTime();
    private final Map<Long, ProcId> members = new HashMap<>();
    private final Set<ProcId> signalled = new HashSet<>();
    private final Set<Long> groups = new HashSet<>();
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private boolean forced;
    private long pollMs = FIRST_POLL_MS;

    TreeKill(ProcId root, boolean sessionLeader, long graceMs) {
      this.root = root;
      this.sessionLeader = sessionLeader;
      this.graceMs = graceMs;
    }

    void begin() {
      step(() -> {
        if (sweep() == 0) {
          done.complete(null);
          return;
        }
        signalGroups(SIGTERM);
        schedulePoll();
      });
    }

    private void poll() {
      step(() -> {
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        if (!forced && elapsedMs >= graceMs) {
          forced = true;
          signalled.clear();
          signalGroups(SIGKILL);
          sweep();
        }
        boolean knownAlive = members.values().stream().anyMatch(ProcFs::isLive);
        if (!knownAlive && sweep() == 0) {
          done.complete(null);
          return;
        }
        if (forced && elapsedMs >= graceMs + SIGKILL_PATIENCE_MS) {
          done.completeExceptionally(new TaskKillException("processes survived SIGKILL: " + survivors()));
          return;
        }
        schedulePoll();
      });
    }

    private void step(Runnable body) {
      try {
        body.run();
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
      }
    }

    private void schedulePoll() {
      long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
      long delay = forced ? pollMs : Math.max(1, Math.min(pollMs, graceMs - elapsedMs));
      pollMs = Math.min(pollMs * 2, MAX_POLL_MS);
      timers.schedule(this::poll, delay, TimeUnit.MILLISECONDS);
    }

    /** Collects the live members, signals those not yet signalled at the current level, counts them. */
    private int sweep() {
      List<ProcStat> live = ProcessTree.members(ProcFs.all(), root, sessionLeader);
      for (ProcStat stat : live) {
        members.put(stat.pid(), stat.id());
        if (stat.pgrp() > 1 && stat.pgrp() != OWN_PGRP) {
          groups.add(stat.pgrp());
        }
        if (signalled.add(stat.id())) {
          signal(stat.id());
        }
      }
      return live.size();
    }

    private void signal(ProcId id) {
      if (id.pid() == OWN_PID || !ProcFs.isLive(id)) {
        return;
      }
      ProcessHandle.of(id.pid()).ifPresent(h -> {
        boolean sent = forced ? h.destroyForcibly() : h.destroy();
        if (!sent) {
          log.debug("could not signal pid {}", id.pid());
        }
      });
    }

    private void signalGroups(int signal) {
      for (long group : groups) {
        if (nativeKill) {
          if (!LibC.signalGroup(group, signal)) {
            log.debug("could not signal process group {} (gone?)", group);
          }
        } else if (killProgram != null) {
          try {
            new ProcessBuilder(killProgram, "-s", signal == SIGKILL ? "KILL" : "TERM", "--", "-" + group)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
          } catch (IOException e) {
            log.warn("cannot run {} to signal process group {}: {}", killProgram, group, e.getMessage());
          }
        } // else neither kill(2) nor kill(1): the per-process signals must do
      }
    }

    private String survivors() {
      return members.values().stream()
          .filter(ProcFs::isLive)
          .map(id -> Long.toString(id.pid()))
          .collect(Collectors.joining(", ", "[", "]"));
    }
  }
}
