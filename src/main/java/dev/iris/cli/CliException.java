package dev.iris.cli;

/**
 * An expected failure of a command, shown to the user as one line ({@code iris: <message>}) without a
 * stack trace, exiting with {@link #exitCode()}. Backends throw it for an unreachable controller, an
 * unknown job and the like; anything else they throw counts as a bug and is reported as such.
 */
public final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;

  public CliException(String message, int exitCode) {
    this(message, exitCode, null);
  }

  public CliException(String message, int exitCode, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** A runtime failure (exit code {@value ExitCodes#FAILURE}). */
  public static CliException failure(String message) {
    return new CliException(message, ExitCodes.FAILURE);
  }

  /** A runtime failure caused by {@code cause}, whose stack trace shows only with {@code IRIS_DEBUG=1}. */
  public static CliException failure(String message, Throwable cause) {
    return new CliException(message, ExitCodes.FAILURE, cause);
  }

  /**
   * A command whose machinery has not landed yet (exit code {@value ExitCodes#NOT_AVAILABLE}):
   * {@code 'job run' is not available yet (lands with the client issue)}.
   */
  public static CliException notAvailable(String command, String landsWith) {
    return new CliException(
        "'" + command + "' is not available yet (lands with " + landsWith + ")",
        ExitCodes.NOT_AVAILABLE);
  }

  /** The process exit code this failure maps to. */
  public int exitCode() {
    return exitCode;
  }
}
