package dev.iris.common;

import io.vertx.grpc.common.GrpcStatus;

/** A failed call as a client sees it, whatever the transport: a gRPC status and the server's message. */
public final class RpcException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient GrpcStatus status;

  public RpcException(GrpcStatus status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public GrpcStatus status() {
    return status;
  }

  @Override
  public String toString() {
    return status + ": " + getMessage();
  }
}
