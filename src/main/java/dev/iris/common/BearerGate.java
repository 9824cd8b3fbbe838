package dev.iris.common;

import io.vertx.core.Handler;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.Service;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Serves a gRPC service only to callers bearing one token ({@code authorization: Bearer <token>}): a
 * worker's service, which takes calls from its controller alone. The token is asked of {@code expected} for
 * every call (it changes when the worker registers again): null means no authentication, an empty string
 * means no caller is trusted yet (UNAVAILABLE); a missing or other token is UNAUTHENTICATED. Tokens are
 * compared in constant time. Methods in {@code open} need no token.
 */
public final class BearerGate {
  private BearerGate() {}

  public static Service guarded(Service service, Supplier<String> expected, Set<String> open) {
    return ForwardingGrpcServer.rebound(service, server -> new GatedServer(server, expected, open));
  }

  /** Whether {@code authorization} (a header's value, maybe null) bears {@code token}, compared in constant time. */
  public static boolean bears(String authorization, String token) {
    byte[] want = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    byte[] got = authorization == null ? new byte[0] : authorization.getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(want, got);
  }

  private static final class GatedServer extends ForwardingGrpcServer {
    private final Supplier<String> expected;
    private final Set<String> open;

    GatedServer(GrpcServer server, Supplier<String> expected, Set<String> open) {
      super(server);
      this.expected = expected;
      this.open = open;
    }

    @Override
    public <Req, Resp> GrpcServer callHandler(ServiceMethod<Req, Resp> method,
        Handler<GrpcServerRequest<Req, Resp>> handler) {
      if (open.contains(method.methodName())) {
        server.callHandler(method, handler);
        return this;
      }
      server.callHandler(method, request -> {
        String token = expected.get();
        if (token == null || bears(request.headers().get(GrpcUnary.AUTHORIZATION), token)) {
          handler.handle(request);
        } else if (token.isEmpty()) {
          request.response().status(GrpcStatus.UNAVAILABLE)
              .statusMessage("this worker takes calls only from its controller, and has not registered yet").end();
        } else {
          request.response().status(GrpcStatus.UNAUTHENTICATED)
              .statusMessage("this worker takes " + method.methodName() + " only from its controller").end();
        }
      });
      return this;
    }
  }
}
