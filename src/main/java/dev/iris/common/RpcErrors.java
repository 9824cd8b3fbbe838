package dev.iris.common;

import dev.iris.core.Quoted;
import dev.iris.core.Refusal;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.grpc.client.InvalidStatusException;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;

/** Maps domain refusals onto gRPC statuses, and any transport's failure back to a status and message. */
public final class RpcErrors {
  /** The longest status message sent; longer ones are cut ({@link #bounded}). */
  public static final int MAX_MESSAGE_CHARS = 1_000;

  private RpcErrors() {}

  public static StatusException invalid(String message) {
    return new StatusException(GrpcStatus.INVALID_ARGUMENT, bounded(message));
  }

  public static StatusException notFound(String message) {
    return new StatusException(GrpcStatus.NOT_FOUND, bounded(message));
  }

  /** The status a server should answer for {@code t}. */
  public static StatusException toStatus(Throwable t) {
    if (t instanceof StatusException s) {
      String message = s.message();
      return message == null || message.length() <= MAX_MESSAGE_CHARS ? s
          : new StatusException(s.status(), bounded(message));
    }
    if (t instanceof Refusal r) {
      GrpcStatus status = switch (r.code()) {
        case INVALID_ARGUMENT -> GrpcStatus.INVALID_ARGUMENT;
        case NOT_FOUND -> GrpcStatus.NOT_FOUND;
        case ALREADY_EXISTS -> GrpcStatus.ALREADY_EXISTS;
        case FAILED_PRECONDITION -> GrpcStatus.FAILED_PRECONDITION;
        case UNAUTHENTICATED -> GrpcStatus.UNAUTHENTICATED;
        case PERMISSION_DENIED -> GrpcStatus.PERMISSION_DENIED;
      };
      return new StatusException(status, bounded(t.getMessage()));
    }
    if (t instanceof RpcException r) { // a call this server made failed: its status, not an internal error
      return new StatusException(r.status(), bounded(r.getMessage()));
    }
    if (t instanceof ReplyException r && r.failureType() == ReplyFailure.RECIPIENT_FAILURE
        && r.failureCode() > 0 && r.failureCode() < 17) {
      return new StatusException(GrpcStatus.valueOf(r.failureCode()), r.getMessage());
    }
    if (t instanceof ReplyException r && r.failureType() == ReplyFailure.TIMEOUT) {
      return new StatusException(GrpcStatus.DEADLINE_EXCEEDED, r.getMessage());
    }
    if (t instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS) {
      return new StatusException(GrpcStatus.UNAVAILABLE, r.getMessage());
    }
    return new StatusException(GrpcStatus.INTERNAL, bounded(String.valueOf(t.getMessage())));
  }

  /**
   * A status message of at most {@link #MAX_MESSAGE_CHARS} characters: a message that quotes a huge value
   * (a megabyte in an id field) is cut, so answering it costs nothing and the reader gets one line.
   */
  public static String bounded(String message) {
    return Quoted.cut(message, MAX_MESSAGE_CHARS);
  }


  /** The gRPC status of a failure seen by a client, whichever transport produced it. */
  public static GrpcStatus statusOf(Throwable t) {
    if (t instanceof RpcException r) {
      return r.status();
    }
    if (t instanceof InvalidStatusException s) {
      return s.actualStatus();
    }
    if (t instanceof StatusException s) {
      return s.status();
    }
    if (t instanceof ReplyException r) {
      return toStatus(r).status();
    }
    return GrpcStatus.UNAVAILABLE;
  }

  /** A one-line description of a failure seen by a client. */
  public static String messageOf(Throwable t) {
    if (t instanceof InvalidStatusException s) {
      return s.getMessage();
    }
    if (t instanceof StatusException s) {
      return s.message();
    }
    return String.valueOf(t.getMessage());
  }
}
