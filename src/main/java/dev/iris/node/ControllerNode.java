package dev.iris.node;

import dev.iris.common.GrpcClients;
import dev.iris.common.HostPort;
import dev.iris.controller.ControllerAuth;
import dev.iris.common.Tls;
import dev.iris.controller.ControllerMetrics;
import dev.iris.controller.DispatchVerticle;
import dev.iris.controller.SchedulerVerticle;
import dev.iris.controller.StateStoreVerticle;
import dev.iris.controller.api.ControllerServerVerticle;
import dev.iris.controller.api.ControllerServiceImpl;
import dev.iris.controller.journal.JournalOptions;
import dev.iris.controller.state.StoreConfig;
import dev.iris.dashboard.DashboardRoutes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/** Deploys the controller's verticles on a Vert.x instance and undeploys them again. */
public final class ControllerNode {
  /** How often the store checks for silent workers and expired scheduling timeouts. */
  public static final long STORE_TICK_MS = 200;
  /** How often the scheduler runs when nothing woke it. */
  public static final long SCHEDULER_TICK_MS = 500;
  /** The smallest limit on gRPC messages: a page of logs (3.5 MiB) fits. */
  public static final long MIN_MESSAGE_BYTES = 4L << 20;
  /** The largest limit on gRPC messages. */
  public static final long MAX_MESSAGE_BYTES = 1L << 30;
  /** The heartbeat interval told to workers. */
  public static final long HEARTBEAT_INTERVAL_MS = 1_000;

  /**
   * Where and how the controller runs.
   *
   * @param routes mounts more HTTP routes (the dashboard) next to the API they may call; null for none
   * @param exposed whether other machines reach the port without authentication (the dashboard warns)
   * @param auth who may call ({@link ControllerAuth#none()}: everyone, as an admin)
   * @param maxMessageBytes the largest gRPC message the port takes ({@value #MIN_MESSAGE_BYTES}..{@value
   *     #MAX_MESSAGE_BYTES}; a larger one is refused with RESOURCE_EXHAUSTED)
   * @param tls the port serves gRPC, HTTPS and WSS with its certificate and key; calls to workers go over TLS,
   *     verified against its CA, when it has one
   * @param stateDir where the store keeps its journal (locked while running; a restart on it recovers every
   *     acknowledged change); empty: in memory only, lost when the controller stops
   */
  public record Config(String host, int port, StoreConfig store, long storeTickMs, long schedulerTickMs,
      long heartbeatIntervalMs, DispatchVerticle.DispatchConfig dispatch,
      BiConsumer<Router, ControllerServiceImpl> routes, boolean exposed, ControllerAuth auth, Tls tls,
      long maxMessageBytes, java.util.Optional<java.nio.file.Path> stateDir) {
    public Config {
      java.util.Objects.requireNonNull(stateDir, "stateDir");
      java.util.Objects.requireNonNull(auth, "auth");
      java.util.Objects.requireNonNull(tls, "tls");
      if (maxMessageBytes < MIN_MESSAGE_BYTES || maxMessageBytes > MAX_MESSAGE_BYTES) {
        throw new IllegalArgumentException("the largest gRPC message must be " + MIN_MESSAGE_BYTES + ".."
            + MAX_MESSAGE_BYTES + " bytes, got " + maxMessageBytes);
      }
    }

    /** The defaults; the router serves the dashboard; no authentication, no TLS. */
    public static Config defaults(String host, int port) {
      return new Config(host, port, StoreConfig.DEFAULT, STORE_TICK_MS, SCHEDULER_TICK_MS, HEARTBEAT_INTERVAL_MS,
          DispatchVerticle.DispatchConfig.DEFAULT,
          DashboardRoutes::mount, !HostPort.isLoopback(host), ControllerAuth.none(), Tls.NONE,
          GrpcClients.MAX_MESSAGE_BYTES, java.util.Optional.empty());
    }

    /** The same config, keeping the state in {@code dir} (a journal; empty: in memory only, lost at exit). */
    public Config withStateDir(java.util.Optional<java.nio.file.Path> dir) {
      return new Config(host, port, store, storeTickMs, schedulerTickMs, heartbeatIntervalMs, dispatch, routes, exposed,
          auth, tls, maxMessageBytes, dir);
    }

    /** The same config, saying whether other machines reach the port without authentication. */
    public Config withExposed(boolean e) {
      return new Config(host, port, store, storeTickMs, schedulerTickMs, heartbeatIntervalMs, dispatch, routes, e,
          auth, tls, maxMessageBytes, stateDir);
    }

    /** The same config, authenticating callers with {@code a} (no longer exposed without authentication). */
    public Config withAuth(ControllerAuth a) {
      return new Config(host, port, store, storeTickMs, schedulerTickMs, heartbeatIntervalMs, dispatch, routes,
          exposed && !a.enabled(), a, tls, maxMessageBytes, stateDir);
    }

    public Config withStore(StoreConfig s) {
      return new Config(host, port, s, storeTickMs, schedulerTickMs, heartbeatIntervalMs, dispatch, routes, exposed,
          auth, tls, maxMessageBytes, stateDir);
    }

    /** The same config taking gRPC messages of up to {@code bytes} (the default: 80 MiB, a 64 MiB bundle and room). */
    public Config withMaxMessageBytes(long bytes) {
      return new Config(host, port, store, storeTickMs, schedulerTickMs, heartbeatIntervalMs, dispatch, routes, exposed,
          auth, tls, bytes, stateDir);
    }

    /** The same config granting workers leases of {@code ms} (0: none; see {@link StoreConfig#leaseMs}). */
    public Config withLeaseMs(long ms) {
      return withStore(store.withLeaseMs(ms));
    }

    /** The same config remembering at most {@code jobs} finished jobs (the oldest finished forgotten first). */
    public Config withRetainFinished(long jobs) {
      return withStore(store.withJobRetention(store.jobRetention().withFinishedJobs(jobs)));
    }

    /** The same config serving (and calling workers) with {@code t}. */
    public Config withTls(Tls t) {
      return new Config(host, port, store, storeTickMs, schedulerTickMs, heartbeatIntervalMs, dispatch, routes, exposed,
          auth, t, maxMessageBytes, stateDir);
    }
  }

  private final Vertx vertx;
  private final List<String> deployments = new ArrayList<>();
  private ControllerServerVerticle server;
  private SchedulerVerticle scheduler;

  private ControllerNode(Vertx vertx) {
    this.vertx = vertx;
  }

  public static Future<ControllerNode> start(Vertx vertx, Config config, Clock clock) {
    return start(vertx, config, clock, JournalOptions.defaults(), StateStoreVerticle.RETRY_MS);
  }

  /**
   * As {@link #start(Vertx, Config, Clock)}, the store writing its journal with {@code journal} (tests inject a
   * failing disk there) and probing a failed journal's directory every {@code journalRetryMs}.
   */
  public static Future<ControllerNode> start(Vertx vertx, Config config, Clock clock, JournalOptions journal,
      long journalRetryMs) {
    ControllerNode node = new ControllerNode(vertx);
    ControllerMetrics metrics = new ControllerMetrics();
    node.scheduler = new SchedulerVerticle(config.schedulerTickMs(), metrics);
    node.server = new ControllerServerVerticle(config.host(), config.port(), config.heartbeatIntervalMs(),
        config.routes(), config.exposed(), metrics, config.auth()).withTls(config.tls())
        .withMaxMessageBytes(config.maxMessageBytes()).withLease(config.store().lease());
    return node.deploy(new StateStoreVerticle(config.store(), clock, config.storeTickMs(), metrics,
        config.stateDir().orElse(null), journal).withJournalRetryMs(journalRetryMs))
        .compose(v -> node.deploy(new DispatchVerticle(config.dispatch(), metrics, config.auth(),
            config.tls().clientSide())))
        .compose(v -> node.deploy(node.scheduler))
        .compose(v -> node.deploy(node.server))
        .map(node)
        .recover(t -> node.stop().transform(x -> Future.failedFuture(t)));
  }

  private Future<Void> deploy(io.vertx.core.Deployable verticle) {
    return vertx.deployVerticle(verticle).map(id -> {
      deployments.add(id);
      return null;
    });
  }

  /** The port the controller listens on. */
  public int port() {
    return server.actualPort();
  }

  public SchedulerVerticle scheduler() {
    return scheduler;
  }

  public Future<Void> stop() {
    List<Future<Void>> undeploys = new ArrayList<>();
    for (int i = deployments.size() - 1; i >= 0; i--) {
      undeploys.add(vertx.undeploy(deployments.get(i)));
    }
    deployments.clear();
    return Future.join(undeploys).mapEmpty();
  }
}
