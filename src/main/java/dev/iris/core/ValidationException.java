package dev.iris.core;

/** A request that breaks a rule of the domain; the message is precise and meant for the user. */
public final class ValidationException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public ValidationException(String message) {
    super(message);
  }
}
