package dev.iris.core;

/**
 * An exception that refuses a request for a reason a client can act on. The domain says which kind of
 * refusal it is; the API layers map each {@link Code} onto their own status (a gRPC status, an HTTP code).
 */
public interface Refusal {
  /** Why a request was refused; one to one with the gRPC status of the same name. */
  enum Code { INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION, UNAUTHENTICATED, PERMISSION_DENIED }

  Code code();
}
