package dev.iris.link;

import dev.iris.rpc.WorkerService;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import java.util.HashMap;
import java.util.Map;

/**
 * Picks the transport for a worker address: {@code bus://<worker-id>} for a worker in this JVM (or the
 * clustered bus), {@code host:port} for a worker process over gRPC. Links are cached per address.
 * Use from one event-loop context.
 */
public final class WorkerLinks {
  public static final String BUS_SCHEME = "bus://";
  private final Vertx vertx;
  private final long timeoutMs;
  private final Map<String, WorkerService> links = new HashMap<>();
  private GrpcClient grpc;

  public WorkerLinks(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
  }

  public WorkerService forAddress(String address) {
    return links.computeIfAbsent(address, this::create);
  }

  private WorkerService create(String address) {
    if (address.startsWith(BUS_SCHEME)) {
      return new EventBusWorkerLink(vertx.eventBus(), address.substring(BUS_SCHEME.length()), timeoutMs);
    }
    if (grpc == null) {
      grpc = dev.iris.common.GrpcClients.create(vertx);
    }
    return new GrpcWorkerLink(grpc, HostPort.parse(address), timeoutMs);
  }

  public void close() {
    if (grpc != null) {
      grpc.close();
    }
  }

  /** Parses {@code host:port}. */
  public static final class HostPort {
    private HostPort() {}

    public static SocketAddress parse(String address) {
      int colon = address.lastIndexOf(':');
      if (colon <= 0 || colon == address.length() - 1) {
        throw new IllegalArgumentException("address '" + address + "' is not host:port");
      }
      int port;
      try {
        port = Integer.parseInt(address.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("address '" + address + "' has a bad port");
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("address '" + address + "' has a port out of range");
      }
      return SocketAddress.inetSocketAddress(port, address.substring(0, colon));
    }
  }
}
