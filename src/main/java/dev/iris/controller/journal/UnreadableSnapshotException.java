package dev.iris.controller.journal;

import dev.iris.controller.journal.UnreadableRecordException.Problem;

/**
 * A snapshot this build cannot turn back into the state it was taken of (its bytes passed their checksum, so it
 * was written so: by a newer version, or by a bug). Recovery stops: starting from less than the snapshot held
 * would be a state that never was. The message names the problem.
 */
public final class UnreadableSnapshotException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Problem problem;

  UnreadableSnapshotException(Problem problem, String message, Throwable cause) {
    super(message, cause);
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }
}
