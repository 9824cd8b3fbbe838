package dev.iris.link;

import dev.iris.common.HostPort;
import dev.iris.common.Tls;
import dev.iris.rpc.WorkerService;
import io.vertx.core.Vertx;
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
  private final Tls tls;
  private GrpcClient grpc;

  private final String token;

  /** Links that call workers' gRPC ports in plaintext, bearing no token. */
  public WorkerLinks(Vertx vertx, long timeoutMs) {
    this(vertx, timeoutMs, "", Tls.NONE);
  }

  /**
   * @param token what calls to worker processes bear (the controller's token for its workers; empty: none)
   * @param tls calls workers' gRPC ports over TLS when it has a CA to verify them with
   */
  public WorkerLinks(Vertx vertx, long timeoutMs, String token, Tls tls) {
    this.token = token;
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
    this.tls = tls;
  }

  public WorkerService forAddress(String address) {
    return links.computeIfAbsent(address, this::create);
  }

  private WorkerService create(String address) {
    if (address.startsWith(BUS_SCHEME)) {
      return new EventBusWorkerLink(vertx.eventBus(), address.substring(BUS_SCHEME.length()), timeoutMs);
    }
    if (grpc == null) {
      grpc = dev.iris.common.GrpcClients.create(vertx, tls);
    }
    return new GrpcWorkerLink(grpc, HostPort.parse(address).toSocketAddress(), timeoutMs, token);
  }

  public void close() {
    if (grpc != null) {
      grpc.close();
    }
  }
}
