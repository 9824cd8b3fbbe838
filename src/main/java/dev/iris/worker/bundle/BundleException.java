package dev.iris.worker.bundle;

/** A bundle is invalid, unsafe or unavailable; the message says which and why. */
public final class BundleException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with its message. */
  public BundleException(String message) {
    super(message);
  }

  /** Creates the exception with its message and cause. */
  public BundleException(String message, Throwable cause) {
    super(message, cause);
  }
}
