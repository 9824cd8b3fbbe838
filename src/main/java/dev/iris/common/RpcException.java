package dev.iris.common;

import io.vertx.grpc.common.GrpcStatus;

/** A failed call as a client sees it, whatever the transport: a gRPC status and the server's message. */
public final class RpcException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient GrpcStatus status;
  private final boolean unreachable;

  public RpcException(GrpcStatus status, String message) {
    this(status, message, false);
  }

  private RpcException(GrpcStatus status, String message, boolean unreachable) {
    super(message, null, false, false);
    this.status = status;
    this.unreachable = unreachable;
  }

  /** The call never reached a server: the connection itself failed (refused, no route, ...). */
  public static RpcException unreachable(String message) {
    return new RpcException(GrpcStatus.UNAVAILABLE, message, true);
  }

  /** True when no connection could be made, as opposed to a server that answered with an error or timed out. */
  public boolean unreachable() {
    return unreachable;
  }

  public GrpcStatus status() {
    return status;
  }

  @Override
  public String toString() {
    return status + ": " + getMessage();
  }
}
