package dev.iris.link;

import dev.iris.common.HostPort;
import dev.iris.rpc.WorkerService;
import io.vertx.core.Vertx;
import io.vertx.grpc.client.GrpcClient;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Picks the transport for a worker address: {@code bus://<worker-id>} for a worker in this JVM (or the
 * clustered bus), {@code host:port} for a worker process over gRPC, whose calls bear the token of that
 * worker. Links are cached per worker and address. Use from one event-loop context.
 */
public final class WorkerLinks {
  public static final String BUS_SCHEME = "bus://";
  private final Vertx vertx;
  private final long timeoutMs;
  private final Map<String, WorkerService> links = new HashMap<>();
  private GrpcClient grpc;
  private final BiFunction<String, String, String> tokens;

  /**
   * @param tokens what calls to a worker process bear, by worker id and address (the controller's token for
   *     that worker; empty: none)
   */
  public WorkerLinks(Vertx vertx, long timeoutMs, BiFunction<String, String, String> tokens) {
    this.tokens = tokens;
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
  }

  /** The link to worker {@code workerId}, registered at {@code address}. */
  public WorkerService forWorker(String workerId, String address) {
    if (address.startsWith(BUS_SCHEME)) {
      return links.computeIfAbsent(address,
          a -> new EventBusWorkerLink(vertx.eventBus(), a.substring(BUS_SCHEME.length()), timeoutMs));
    }
    return links.computeIfAbsent(workerId + "@" + address, key -> {
      if (grpc == null) {
        grpc = dev.iris.common.GrpcClients.create(vertx);
      }
      return new GrpcWorkerLink(grpc, HostPort.parse(address).toSocketAddress(), timeoutMs,
          tokens.apply(workerId, address));
    });
  }

  public void close() {
    if (grpc != null) {
      grpc.close();
    }
  }
}
