package dev.iris.common;

import io.vertx.grpc.common.GrpcStatus;

/** A failed call as a client sees it, whatever the transport: a gRPC status and the server's message. */
public final class RpcException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient GrpcStatus status;
  private final boolean unreachable;
  private final boolean cut;
  private final boolean refused;

  public RpcException(GrpcStatus status, String message) {
    this(status, message, false, false);
  }

  private RpcException(GrpcStatus status, String message, boolean unreachable, boolean cut, boolean refused) {
    super(message, null, false, false);
    this.status = status;
    this.unreachable = unreachable;
    this.cut = cut;
    this.refused = refused;
  }

  private RpcException(GrpcStatus status, String message, boolean unreachable, boolean cut) {
    this(status, message, unreachable, cut, false);
  }

  /** The call never reached a server: the connection itself failed (no route, timed out, ...). */
  public static RpcException unreachable(String message) {
    return new RpcException(GrpcStatus.UNAVAILABLE, message, true, false);
  }

  /**
   * The call never reached a server, and nothing serves at its address: the connection was refused (the host
   * answered, no process listens on the port), or no one consumes the event-bus address. Unlike a connection that
   * timed out (a cut network, a stopped host), this proves the server's process is gone.
   */
  public static RpcException refused(String message) {
    return new RpcException(GrpcStatus.UNAVAILABLE, message, true, false, true);
  }

  /**
   * The connection broke after the call was sent and before an answer came (the server went away): the call
   * may or may not have been applied.
   */
  public static RpcException cut(String message) {
    return new RpcException(GrpcStatus.UNAVAILABLE, message, false, true);
  }

  /** True when no connection could be made, as opposed to a server that answered with an error or timed out. */
  public boolean unreachable() {
    return unreachable;
  }

  /** True when the server's process is known gone ({@link #refused(String)}); implies {@link #unreachable}. */
  public boolean refused() {
    return refused;
  }

  /**
   * True when no server answered: the connection could not be made ({@link #unreachable}) or broke before the
   * answer ({@link #cut}). False for a status the server sent, its own UNAVAILABLE included.
   */
  public boolean noAnswer() {
    return unreachable || cut;
  }

  public GrpcStatus status() {
    return status;
  }

  @Override
  public String toString() {
    return status + ": " + getMessage();
  }
}
