package dev.iris.worker.runtime;

/**
 * A task command could not be started, with a message meant for the user, such as
 * {@code cannot start 'nosuchcmd': No such file or directory}.
 */
public final class TaskStartException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with its user-facing message. */
  public TaskStartException(String message) {
    super(message);
  }

  /** Creates the exception with its user-facing message and the underlying cause. */
  public TaskStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
