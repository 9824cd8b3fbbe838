package dev.iris.cli;

/** The exit codes of {@code iris}. */
public final class ExitCodes {
  /** The command did what was asked (for {@code job run}: the job succeeded). */
  public static final int OK = 0;
  /** A runtime failure: unreachable controller, unknown job, a job that did not succeed. */
  public static final int FAILURE = 1;
  /** Bad usage: an unknown flag, a malformed or out-of-range value, a missing argument. */
  public static final int USAGE = 2;
  /** The command exists but its machinery has not landed yet. */
  public static final int NOT_AVAILABLE = 3;

  private ExitCodes() {}
}
