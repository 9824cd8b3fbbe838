package dev.iris.worker.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A started task process. Futures complete on runtime threads (never the caller's); callers that own an
 * event loop hop back to it themselves.
 */
public interface RunningTask {

  /** The operating-system pid of the task's root process. */
  long pid();

  /**
   * When the root process started, from {@code /proc} (see {@link dev.iris.worker.proc.ProcId#startInstant});
   * empty if it exited before this could be read. Recorded with the pid so that leftovers can be
   * recognised after a worker restart.
   */
  Optional<Instant> startInstant();

  /**
   * Completes with the exit code once the root process has exited and both output streams are drained,
   * so no line is lost. A process killed by a signal exits with {@code 128 + signal} (143 for SIGTERM,
   * 137 for SIGKILL). If descendants keep the output pipes open after the root exits, the future
   * completes after the runtime's drain timeout anyway; their later lines still reach the sink.
   */
  CompletableFuture<Integer> exitFuture();

  /**
   * Kills the whole process tree: SIGTERM to every process of the task, then, after {@code grace}, SIGKILL
   * to whatever is left. Completes with the exit code once the root has exited and no process of the tree
   * survives. Idempotent: later calls return the first call's future (their grace is ignored). Safe after
   * exit: it then only sweeps descendants that outlived the root, and completes at once when none did.
   */
  CompletableFuture<Integer> kill(Duration grace);
}
