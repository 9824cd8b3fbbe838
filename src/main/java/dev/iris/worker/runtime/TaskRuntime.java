package dev.iris.worker.runtime;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Runs task commands and kills process trees; the role the worker depends on. */
public interface TaskRuntime extends AutoCloseable {

  /**
   * Starts the command without blocking on its execution; output lines go to {@code sink}.
   *
   * @throws TaskStartException when the command cannot start (no such program, not executable, no such
   *     working directory)
   * @throws IllegalStateException after {@link #close()}
   */
  RunningTask start(LaunchSpec spec, LineSink sink);

  /**
   * Kills a process tree this runtime did not start (for example a leftover of an earlier worker run that
   * the caller has identified by pid and start time): SIGTERM, then SIGKILL after {@code grace}.
   * Completes when no process of the tree survives.
   */
  CompletableFuture<Void> killTree(ProcessHandle root, Duration grace);

  /** Stops the runtime's timers. Running processes are left alone. */
  @Override
  void close();
}
