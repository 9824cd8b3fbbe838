package dev.iris.common;

import dev.iris.core.Quoted;
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

  /** Why a connection could not be made, in a few words: refused, a failed TLS handshake (and why), ... */
  public static String rootMessage(Throwable t) {
    boolean tls = false;
    while (t.getCause() != null) {
      tls |= t instanceof javax.net.ssl.SSLException;
      t = t.getCause();
    }
    tls |= t instanceof javax.net.ssl.SSLException || t instanceof java.security.GeneralSecurityException;
    String m = String.valueOf(t.getMessage());
    if (tls || t.getClass().getSimpleName().equals("NotSslRecordException")) {
      return "TLS handshake failed (" + tlsReason(t, m) + ")";
    }
    if (t.getClass().getSimpleName().equals("HttpClosedException") || m.equals("Connection was closed")) {
      // closed before HTTP/2 was even set up: typically a plaintext call to a port that serves TLS
      return "the connection was closed at once (a port that serves TLS? then give the CA: --tls-ca or IRIS_TLS_CA)";
    }
    return m.startsWith("Connection refused") ? "connection refused" : m;
  }

  private static String tlsReason(Throwable root, String message) {
    if (root.getClass().getSimpleName().equals("NotSslRecordException")) {
      return "the server answered in plaintext: it does not serve TLS";
    }
    if (root instanceof java.security.cert.CertPathValidatorException
        || root.getClass().getSimpleName().equals("SunCertPathBuilderException")
        || message.contains("unable to find valid certification path")) {
      return "the server's certificate is not signed by the CA given";
    }
    return Quoted.cut(message, 200);
  }

  /**
   * Why no connection to {@code server} could be made, as an {@link RpcException#unreachable unreachable} failure,
   * {@link RpcException#refused refused} when the host answered that nothing listens there.
   */
  public static RpcException connectFailed(SocketAddress server, Throwable t) {
    String message = "cannot reach " + server.host() + ":" + server.port() + ": " + rootMessage(t);
    return isRefused(t) ? RpcException.refused(message) : RpcException.unreachable(message);
  }

  /** True when {@code t} (or its cause) is a refused TCP connection: the host is up, nothing listens on the port. */
  static boolean isRefused(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      String m = c.getMessage();
      if (c instanceof java.net.ConnectException && m != null && m.startsWith("Connection refused")) {
        return true;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }

  public static <Req, Resp> Future<Resp> call(GrpcClient client, SocketAddress server,
      ServiceMethod<Resp, Req> method, Req request, long timeoutMs) {
    return call(client, server, method, request, timeoutMs, "");
  }

  /** A call bearing {@code token} ({@code authorization: Bearer <token>}); none when the token is empty. */
  public static <Req, Resp> Future<Resp> call(GrpcClient client, SocketAddress server,
      ServiceMethod<Resp, Req> method, Req request, long timeoutMs, String token) {
    return client.request(server, method)
        .recover(t -> Future.failedFuture(connectFailed(server, t)))
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
            return Future.failedFuture(RpcException.cut(String.valueOf(t.getMessage())));
          }));
        })
        .recover(t -> Future.failedFuture(t instanceof RpcException ? t
            : RpcException.cut("call to " + server + " failed: " + t.getMessage())));
  }
}
