package dev.iris.controller.state;

import dev.iris.core.Refusal;

/** A command the store refuses, with a {@link Refusal.Code} a client understands and a precise message. */
public final class StoreException extends RuntimeException implements Refusal {
  private static final long serialVersionUID = 1L;

  private final Code code;

  public StoreException(Code code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  @Override
  public Code code() {
    return code;
  }

  public static StoreException notFound(String message) {
    return new StoreException(Code.NOT_FOUND, message);
  }

  public static StoreException alreadyExists(String message) {
    return new StoreException(Code.ALREADY_EXISTS, message);
  }

  public static StoreException precondition(String message) {
    return new StoreException(Code.FAILED_PRECONDITION, message);
  }
}
