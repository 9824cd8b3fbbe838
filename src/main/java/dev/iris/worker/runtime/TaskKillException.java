package dev.iris.worker.runtime;

/** Processes of a task's tree survived SIGKILL for longer than the runtime is willing to wait. */
public final class TaskKillException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception naming the survivors. */
  public TaskKillException(String message) {
    super(message);
  }
}
