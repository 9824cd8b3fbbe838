package dev.iris.core.auth;

import dev.iris.core.Refusal;

/** A request without a credential, or with one that is not valid (UNAUTHENTICATED, HTTP 401). */
public final class NotAuthenticated extends RuntimeException implements Refusal {
  public NotAuthenticated(String message) {
    super(message, null, false, false);
  }

  @Override
  public Code code() {
    return Code.UNAUTHENTICATED;
  }
}
