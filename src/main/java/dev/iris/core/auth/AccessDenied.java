package dev.iris.core.auth;

import dev.iris.core.Refusal;

/** A caller asked for something its role or ownership does not allow (PERMISSION_DENIED, HTTP 403). */
public final class AccessDenied extends RuntimeException implements Refusal {
  public AccessDenied(String message) {
    super(message, null, false, false);
  }

  @Override
  public Code code() {
    return Code.PERMISSION_DENIED;
  }
}
