package dev.iris.client;

/** A request Iris refused or could not answer; the message says why in one line. */
public class IrisException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String status;

  public IrisException(String status, String message) {
    super(message);
    this.status = status;
  }

  /** The gRPC status name: NOT_FOUND, INVALID_ARGUMENT, UNAVAILABLE, ... */
  public String status() {
    return status;
  }
}
