package dev.iris.common;

import dev.iris.core.Refusal;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.grpc.client.InvalidStatusException;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;

/** Maps domain refusals onto gRPC statuses, and any transport's failure back to a status and message. */
public final class RpcErrors {
  private RpcErrors() {}

  public static StatusException invalid(String message) {
    return new StatusException(GrpcStatus.INVALID_ARGUMENT, message);
  }

  public static StatusException notFound(String message) {
    return new StatusException(GrpcStatus.NOT_FOUND, message);
  }

  /** The status a server should answer for {@code t}. */
  public static StatusException toStatus(Throwable t) {
    if (t instanceof StatusException s) {
      return s;
    }
    if (t instanceof Refusal r) {
      GrpcStatus status = switch (r.code()) {
        case INVALID_ARGUMENT -> GrpcStatus.INVALID_ARGUMENT;
        case NOT_FOUND -> GrpcStatus.NOT_FOUND;
        case ALREADY_EXISTS -> GrpcStatus.ALREADY_EXISTS;
        case FAILED_PRECONDITION -> GrpcStatus.FAILED_PRECONDITION;
      };
      return new StatusException(status, t.getMessage());
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
    return new StatusException(GrpcStatus.INTERNAL, String.valueOf(t.getMessage()));
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
