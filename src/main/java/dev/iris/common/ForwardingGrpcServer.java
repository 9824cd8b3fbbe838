package dev.iris.common;

import com.google.protobuf.Descriptors;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.Service;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A gRPC server as a service binds to it, forwarding everything to the real one except how each method's
 * handler is installed ({@link #callHandler(ServiceMethod, Handler)}): the way to wrap every method of a
 * generated service ({@link MalformedRequests}, {@link BearerGate}).
 */
abstract class ForwardingGrpcServer implements GrpcServer {
  protected final GrpcServer server;

  ForwardingGrpcServer(GrpcServer server) {
    this.server = server;
  }

  /** {@code service}, binding itself to {@code wrap}'s server instead of the real one. */
  static Service rebound(Service service, UnaryOperator<GrpcServer> wrap) {
    return new Service() {
      @Override
      public ServiceName name() {
        return service.name();
      }

      @Override
      public Descriptors.ServiceDescriptor descriptor() {
        return service.descriptor();
      }

      @Override
      public void bind(GrpcServer server) {
        service.bind(wrap.apply(server));
      }
    };
  }

  @Override
  public abstract <Req, Resp> GrpcServer callHandler(ServiceMethod<Req, Resp> method,
      Handler<GrpcServerRequest<Req, Resp>> handler);

  @Override
  public GrpcServer callHandler(Handler<GrpcServerRequest<Buffer, Buffer>> handler) {
    server.callHandler(handler);
    return this;
  }

  @Override
  public GrpcServer addService(Service service) {
    server.addService(service);
    return this;
  }

  @Override
  public List<Service> services() {
    return server.services();
  }

  @Override
  public void handle(HttpServerRequest request) {
    server.handle(request);
  }
}
