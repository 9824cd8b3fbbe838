package dev.iris.worker.ports;

/** Not enough free ports were found for a request; nothing was allocated. */
public final class PortAllocationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message saying what could not be allocated. */
  public PortAllocationException(String message) {
    super(message);
  }
}
