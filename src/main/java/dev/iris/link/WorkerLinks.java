package dev.iris.link;

import dev.iris.common.HostPort;
import dev.iris.common.Tls;
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
  private final Tls tls;
  private GrpcClient grpc;
  private final BiFunction<String, String, String> tokens;

  /** Links that call workers' gRPC ports in plaintext, bearing no token. */
  public WorkerLinks(Vertx vertx, long timeoutMs) {
    this(vertx, timeoutMs, (id, address) -> "", Tls.NONE);
  }

  /**
   * @param tokens what calls to a worker process bear, by worker id and address (the controller's token for
   *     that worker; empty: none)
   * @param tls calls workers' gRPC ports over TLS when it has a CA to verify them with
   */
  public WorkerLinks(Vertx vertx, long timeoutMs, BiFunction<String, String, String> tokens, Tls tls) {
    this.tokens = tokens;
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
    this.tls = tls;
  }

  /** A connection to a worker that read nothing this long is closed (a partition), and the next call opens another. */
  static final java.time.Duration QUIET = java.time.Duration.ofSeconds(10);
  static final java.time.Duration CONNECT = java.time.Duration.ofSeconds(3);

  /** The link to worker {@code workerId}, registered at {@code address}. */
  public WorkerService forWorker(String workerId, String address) {
    if (address.startsWith(BUS_SCHEME)) {
      return links.computeIfAbsent(address,
          a -> new EventBusWorkerLink(vertx.eventBus(), a.substring(BUS_SCHEME.length()), timeoutMs));
    }
    return links.computeIfAbsent(workerId + "@" + address, key -> {
      if (grpc == null) {
        grpc = dev.iris.common.GrpcClients.createWatchful(vertx, tls, QUIET, CONNECT);
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
