package dev.iris.controller.journal;

/**
 * Why an append was not made durable: the future {@link Journal#append} returned fails with this. A refused
 * append is not acknowledged; one refused because a write failed may or may not be found by the next
 * recovery (its bytes may have reached the disk before the failure), like any request that timed out.
 */
public final class AppendRefusedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What kind of refusal: whether trying again later can help. */
  public enum Reason {
    /** Too many appends are waiting for the disk: back off and retry. */
    QUEUE_FULL,
    /** A write or fsync failed (a full disk, an I/O error): nothing more is accepted until reopened. */
    FAILED,
    /** The journal was closed. */
    CLOSED,
    /** The record is larger than the journal accepts. */
    TOO_LARGE
  }

  private final Reason reason;

  AppendRefusedException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
