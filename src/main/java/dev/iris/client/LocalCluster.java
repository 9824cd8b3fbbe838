package dev.iris.client;

import dev.iris.common.HostPort;
import dev.iris.common.Tls;
import dev.iris.link.EventBusControllerLink;
import dev.iris.controller.ControllerAuth;
import dev.iris.node.ControllerNode;
import dev.iris.node.WorkerNode;
import dev.iris.worker.WorkerConfig;
import dev.iris.worker.host.WorkDirs;
import dev.iris.worker.ports.PortAllocator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The embedded default: a controller and N workers in one JVM on one Vert.x, the workers reaching the
 * controller over the event bus. The controller still listens on a real port, so the CLI, the dashboard
 * and other processes can use it.
 */
public final class LocalCluster implements AutoCloseable {
  private final Vertx vertx;
  private final ControllerNode controller;
  private final List<WorkerNode> workers;
  private final String host;
  private final String token;

  private LocalCluster(Vertx vertx, ControllerNode controller, List<WorkerNode> workers, String host, String token) {
    this.token = token;
    this.vertx = vertx;
    this.controller = controller;
    this.workers = workers;
    this.host = host;
  }

  /**
   * Every local worker carries {@code cluster=local}, so a job can be coscheduled across them
   * ({@code coscheduleBy("cluster")}, {@code --coschedule-by cluster}).
   */
  public static final String GROUP_ATTRIBUTE = "cluster";

  /**
   * Starts a controller on {@code host:port} (0 = any free port) and {@code workers} workers under
   * {@code workDir}. Callers of the port need {@code adminToken} (or a task's token); null: no authentication.
   * The workers in this JVM reach the controller over the event bus, inside its trust boundary.
   */
  public static Future<LocalCluster> start(Vertx vertx, String host, int port, int workers, Path workDir,
      String adminToken) {
    return start(vertx, host, port, workers, workDir, adminToken, Tls.NONE);
  }

  /**
   * The same, the controller's port serving gRPC, HTTPS and WSS with {@code tls}'s certificate and key. The
   * workers are in this JVM, on the event bus; their tasks get {@code IRIS_TLS_CA} set to the certificate itself
   * (a certificate is a trust anchor for itself), so their clients reach the controller.
   */
  public static Future<LocalCluster> start(Vertx vertx, String host, int port, int workers, Path workDir,
      String adminToken, Tls tls) {
    return start(vertx, host, port, workers, workDir, adminToken, tls, java.util.Optional.empty());
  }

  /** The same, the controller keeping its state in {@code stateDir} (empty: in memory only). */
  public static Future<LocalCluster> start(Vertx vertx, String host, int port, int workers, Path workDir,
      String adminToken, Tls tls, java.util.Optional<Path> stateDir) {
    return start(vertx, host, port, workers, workDir, adminToken, tls, stateDir,
        dev.iris.controller.state.StoreConfig.JobRetention.DEFAULT_FINISHED_JOBS);
  }

  /** The same, the controller remembering at most {@code retainFinished} finished jobs. */
  public static Future<LocalCluster> start(Vertx vertx, String host, int port, int workers, Path workDir,
      String adminToken, Tls tls, java.util.Optional<Path> stateDir, long retainFinished) {
    ControllerAuth auth = adminToken == null ? ControllerAuth.none()
        : ControllerAuth.of(adminToken, List.of());
    Tls forTasks = tls.cert().map(Tls::trusting).orElse(Tls.NONE);
    return ControllerNode.start(vertx, ControllerNode.Config.defaults(host, port).withAuth(auth).withTls(tls)
            .withStateDir(stateDir).withRetainFinished(retainFinished), Clock.systemUTC())
        .compose(controller -> {
          List<WorkerNode> nodes = new ArrayList<>();
          Future<Void> chain = Future.succeededFuture();
          for (int n = 0; n < workers; n++) {
            int i = n;
            String id = "local-" + i;
            WorkerConfig config = WorkerConfig.defaults(id, workDir.resolve(id))
                .withControllerAddress(new HostPort(host, controller.port()).toString())
                .withAttributes(java.util.Map.of(dev.iris.scheduler.Scheduler.WORKER_INDEX_ATTRIBUTE, Integer.toString(i),
                    GROUP_ATTRIBUTE, "local"))
                .withPortRange(portRangeFrom(i, workers), portRangeFrom(i + 1, workers) - 1)
                .withTls(forTasks);
            chain = chain.compose(v -> WorkerNode.start(vertx, config, new EventBusControllerLink(vertx.eventBus(), 10_000))
                .map(node -> {
                  nodes.add(node);
                  return null;
                }));
          }
          return chain.map(v -> new LocalCluster(vertx, controller, nodes, host, adminToken == null ? "" : adminToken))
              .recover(t -> Future.join(nodes.stream().map(WorkerNode::stop).toList())
                  .compose(x -> controller.stop()).transform(x -> Future.failedFuture(t)));
        });
  }

  /**
   * The first task port of worker {@code i} of {@code n}: the workers share this machine, so each gets its
   * own slice of the default range (a port one worker handed out but its task has not bound yet is
   * invisible to the others' bind probes). {@code i == n} gives one past the last port.
   */
  static int portRangeFrom(int i, int n) {
    int size = PortAllocator.DEFAULT_TO - PortAllocator.DEFAULT_FROM + 1;
    return PortAllocator.DEFAULT_FROM + (int) ((long) size * i / n);
  }

  /**
   * A client of a new local cluster with {@code workers} workers in a temporary directory; closing the
   * client stops the cluster and deletes the directory.
   */
  static IrisClient startClient(int workers) {
    Vertx vertx = Vertx.vertx();
    Path dir = null;
    try {
      dir = Files.createTempDirectory("iris-local-");
      Path workDir = dir;
      LocalCluster cluster = start(vertx, "127.0.0.1", 0, workers, dir, randomToken())
          .toCompletionStage().toCompletableFuture().get();
      return new IrisClient(vertx, true, cluster.address(), cluster.token(), () -> {
        try {
          cluster.close();
        } finally {
          WorkDirs.deleteRecursively(workDir);
        }
      }, Tls.NONE);
    } catch (Exception e) {
      vertx.close();
      deleteQuietly(dir);
      throw new IrisException("UNAVAILABLE", "cannot start a local cluster: " + e.getMessage());
    }
  }

  private static void deleteQuietly(Path dir) {
    try {
      if (dir != null) {
        WorkDirs.deleteRecursively(dir);
      }
    } catch (IOException ignored) {
      // a leftover temporary directory; the start failure is what matters
    }
  }

  /** A fresh admin token for a cluster only this process's client uses. */
  private static String randomToken() {
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(key);
  }

  /** The admin token callers of the port need; empty without authentication. */
  public String token() {
    return token;
  }

  /** {@code host:port} of the controller. */
  public String address() {
    return new HostPort(host, controller.port()).toString();
  }

  public int port() {
    return controller.port();
  }

  /** Stops the controller first (no new placements), then the workers, which kill their tasks. */
  public Future<Void> stop() {
    return controller.stop().eventually(() -> Future.join(workers.stream().map(WorkerNode::stop).toList()))
        .mapEmpty();
  }

  @Override
  public void close() throws Exception {
    stop().toCompletionStage().toCompletableFuture().get();
  }
}
