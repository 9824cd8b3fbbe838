package dev.iris.controller.journal;

/**
 * A journal record this build cannot turn back into the mutation it recorded. Recovery stops at such a
 * record: replaying past it would rebuild a state that never was. The message names the problem; for a
 * malformed or invalid record it also says what the decoder found.
 */
public final class UnreadableRecordException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What is wrong with the record. */
  public enum Problem {
    /** Not a journal record: bytes that do not parse, or a record with a piece missing that every one has. */
    MALFORMED,
    /** A kind of mutation, or a field, that this build does not know: written by a newer version. */
    UNKNOWN,
    /** Well formed, but holding a value the domain refuses (an invalid job id, a state out of range, ...). */
    INVALID
  }

  private final Problem problem;

  UnreadableRecordException(Problem problem, String message, Throwable cause) {
    super(message, cause);
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }
}
