package dev.iris.common;

import io.vertx.core.Handler;
import io.vertx.grpc.common.CodecException;
import io.vertx.grpc.common.GrpcMessage;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.WireFormat;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.Service;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * Serves a gRPC service so that a request that does not decode (garbage bytes, invalid UTF-8 in a string,
 * a truncated message) is answered INVALID_ARGUMENT with a one-line reason. Left alone, the server resets
 * the stream and the client sees CANCELLED with no message.
 *
 * <p>How: each method's decoder is wrapped so that a decoding failure yields a {@link Malformed} marker
 * instead of throwing, and the handler the generated service installs on each request is wrapped so that
 * the marker is answered before it could reach the service.
 */
public final class MalformedRequests {
  private MalformedRequests() {}

  /** {@code service}, refusing what does not decode. */
  public static Service refused(Service service) {
    return ForwardingGrpcServer.rebound(service, Binding::new);
  }

  /** A request that did not decode, standing in for it between the decoder and the handler. */
  private record Malformed(String reason) {}

  /** The server as the service binds to it: every method with a lenient decoder and a guarded handler. */
  private static final class Binding extends ForwardingGrpcServer {
    Binding(GrpcServer server) {
      super(server);
    }

    @Override
    public <Req, Resp> GrpcServer callHandler(ServiceMethod<Req, Resp> method,
        Handler<GrpcServerRequest<Req, Resp>> handler) {
      ServiceMethod<Req, Resp> lenient = ServiceMethod.server(method.serviceName(), method.methodName(),
          method.encoder(), lenient(method.decoder(), method.fullMethodName()));
      server.callHandler(lenient, request -> handler.handle(guarded(request)));
      return this;
    }
  }

  @SuppressWarnings("unchecked") // the marker passes through the decoder's type parameter, erased at runtime
  private static <T> GrpcMessageDecoder<T> lenient(GrpcMessageDecoder<T> decoder, String method) {
    return new GrpcMessageDecoder<>() {
      @Override
      public T decode(GrpcMessage message) {
        try {
          return decoder.decode(message);
        } catch (CodecException | IllegalArgumentException e) {
          Throwable cause = e.getCause() != null ? e.getCause() : e;
          return (T) new Malformed("request to " + method + " does not decode: " + cause.getMessage());
        }
      }

      @Override
      public boolean accepts(WireFormat format) {
        return decoder.accepts(format);
      }
    };
  }

  /**
   * The request as the service's handler sees it: the same, except that the message handler it installs
   * never receives a {@link Malformed} marker, which is answered INVALID_ARGUMENT instead.
   */
  @SuppressWarnings("unchecked")
  private static <Req, Resp> GrpcServerRequest<Req, Resp> guarded(GrpcServerRequest<Req, Resp> request) {
    Object[] self = new Object[1];
    Object proxy = Proxy.newProxyInstance(GrpcServerRequest.class.getClassLoader(),
        new Class<?>[] {GrpcServerRequest.class}, (p, m, args) -> {
          if (m.getName().equals("handler") && args != null && args.length == 1) {
            Handler<Object> handler = (Handler<Object>) args[0];
            request.handler(message -> {
              if (message instanceof Malformed bad) {
                request.response().status(GrpcStatus.INVALID_ARGUMENT)
                    .statusMessage(RpcErrors.bounded(bad.reason())).end();
              } else {
                handler.handle(message);
              }
            });
            return self[0];
          }
          try {
            Object result = m.invoke(request, args);
            return result == request ? self[0] : result;
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    self[0] = proxy;
    return (GrpcServerRequest<Req, Resp>) proxy;
  }
}
