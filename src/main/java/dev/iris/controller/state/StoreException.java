package dev.iris.controller.state;

/** A command the store refuses, with a status a client understands and a precise message. */
public final class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why the store refused; maps one to one onto gRPC status codes. */
  public enum Code { INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION }

  private final Code code;

  public StoreException(Code code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

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
