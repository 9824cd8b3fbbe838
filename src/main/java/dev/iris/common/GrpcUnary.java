package dev.iris.common;

import io.vertx.core.Future;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import java.util.concurrent.TimeUnit;

/**
 * Unary gRPC calls that keep the server's status message (the generated stubs drop it), so a client can
 * print "NOT_FOUND: job x not found" rather than a bare status.
 */
public final class GrpcUnary {
  /** The header that carries a caller's credential, {@code Bearer <token>}. */
  public static final String AUTHORIZATION = "authorization";

  private GrpcUnary() {}

  private static String rootMessage(Throwable t) {
    while (t.getCause() != null) {
      t = t.getCause();
    }
    String m = String.valueOf(t.getMessage());
    int colon = m.indexOf(": ");
    return m.startsWith("Connection refused") && colon > 0 ? "connection refused" : m;
  }

  public static <Req, Resp> Future<Resp> call(GrpcClient client, SocketAddress server,
      ServiceMethod<Resp, Req> method, Req request, long timeoutMs) {
    return call(client, server, method, request, timeoutMs, "");
  }

  /** A call bearing {@code token} ({@code authorization: Bearer <token>}); none when the token is empty. */
  public static <Req, Resp> Future<Resp> call(GrpcClient client, SocketAddress server,
      ServiceMethod<Resp, Req> method, Req request, long timeoutMs, String token) {
    return client.request(server, method)
        .recover(t -> Future.failedFuture(RpcException.unreachable(
            "cannot reach " + server.host() + ":" + server.port() + ": " + rootMessage(t))))
        .compose(req -> {
          if (!token.isEmpty()) {
            req.headers().set(AUTHORIZATION, "Bearer " + token);
          }
          if (timeoutMs > 0) {
            req.timeout(timeoutMs, TimeUnit.MILLISECONDS);
          }
          return req.end(request).compose(v -> req.response()).compose(resp -> resp.last().recover(t -> {
            GrpcStatus status = resp.status();
            if (status != null && status != GrpcStatus.OK) {
              String msg = resp.statusMessage();
              return Future.failedFuture(new RpcException(status, msg == null || msg.isEmpty() ? status.name() : msg));
            }
            return Future.failedFuture(new RpcException(GrpcStatus.UNAVAILABLE, String.valueOf(t.getMessage())));
          }));
        })
        .recover(t -> Future.failedFuture(t instanceof RpcException ? t
            : new RpcException(GrpcStatus.UNAVAILABLE, "call to " + server + " failed: " + t.getMessage())));
  }
}
