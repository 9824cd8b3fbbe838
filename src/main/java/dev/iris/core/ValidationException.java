package dev.iris.core;

/** A request that breaks a rule of the domain; the message is precise and meant for the user. */
public final class ValidationException extends IllegalArgumentException implements Refusal {
  private static final long serialVersionUID = 1L;

  public ValidationException(String message) {
    super(message);
  }

  @Override
  public Code code() {
    return Code.INVALID_ARGUMENT;
  }
}
