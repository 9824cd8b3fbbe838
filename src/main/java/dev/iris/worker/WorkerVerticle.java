package dev.iris.worker;

import dev.iris.common.GrpcClients;
import dev.iris.common.BearerGate;
import dev.iris.common.MalformedRequests;
import dev.iris.common.HostPort;
import dev.iris.link.WorkerLinks;
import dev.iris.link.WorkerServiceBinding;
import dev.iris.rpc.ControllerService;
import dev.iris.rpc.WorkerMetadata;
import dev.iris.rpc.WorkerServiceGrpcService;
import dev.iris.rpc.WorkerTaskEntry;
import dev.iris.worker.attempt.AttemptEvent;
import dev.iris.worker.attempt.AttemptKey;
import dev.iris.worker.bundle.BundleCache;
import dev.iris.worker.host.MachineProbe;
import dev.iris.worker.host.Watchdog;
import dev.iris.worker.host.WorkDirLock;
import dev.iris.worker.host.WorkDirs;
import dev.iris.worker.logs.TaskLogStore;
import dev.iris.worker.ports.PortAllocator;
import dev.iris.worker.runtime.ProcessTaskRuntime;
import dev.iris.worker.runtime.TaskRuntime;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker: owns its task attempts, serves WorkerService (over gRPC on its port unless it is
 * bus-only, and always on the event bus), registers and heartbeats with the controller, and samples the
 * resource usage of running attempts every second.
 *
 * <p>Start: locks its work directory ({@link WorkDirLock}; a directory in use by another worker fails the
 * start), spawns its {@link Watchdog} (with the process runtime), cleans the leftovers of an earlier run
 * and probes the machine (all off the event loop), then serves, then registers (retrying until the
 * controller answers; start does not wait for that; a controller that keeps refusing its id, held by another
 * live worker, makes it give up: {@link #refused}). Stop: kills every running attempt with a short
 * grace and waits for the trees to be gone, then stops heartbeats, reports, servers and the runtime,
 * disarms the watchdog (or, if some tree was not confirmed gone, lets it clean up) and unlocks.
 */
public final class WorkerVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(WorkerVerticle.class);
  /**
   * Finished attempts kept (status, logs) before the oldest are forgotten; their directories go earlier
   * ({@link TaskDirRetention}).
   */
  public static final int MAX_FINISHED_RETAINED = 2_000;
  static final long USAGE_INTERVAL_MS = 1_000;
  /**
   * How many tasks may be starting here at once (told to the controller, which assigns no more until some
   * run): enough to keep the process starts busy across the round trips, few enough that a burst queues
   * in the controller, where it can still go to other workers, and not here.
   */
  static final int START_CAPACITY = Math.min(256, Math.max(64, 16 * Runtime.getRuntime().availableProcessors()));
  /** Fences of cancelled or superseded attempts kept ({@link Admissions}). */
  static final int MAX_FENCES = 100_000;
  /** Finished attempts stay in heartbeats this long after they ended (and until their report is acknowledged). */
  static final long FINISHED_IN_HEARTBEAT_MS = 30_000;
  static final Duration STOP_GRACE = Duration.ofSeconds(2);
  private static final long STOP_PATIENCE_MS = 15_000;
  /** How long a starting worker waits for the cleanup after a dead worker of its work dir to finish. */
  static final Duration CLEANUP_PATIENCE = Duration.ofSeconds(30);

  private final WorkerConfig config;
  private final ControllerService controller;
  private final Clock clock;
  private final TaskRuntime runtime;
  private ContextOps ops;
  private TaskTable table;
  private AttemptRunner runner;
  private StateReporter reporter;
  private Admissions admissions;
  private ControllerSession session;
  private LeaseKeeper lease;
  private TaskLogStore logs;
  private WorkDirs dirs;
  private TaskDirRetention taskDirs;
  private WorkDirLock lock;
  private Watchdog watchdog;
  private WorkerMetrics metrics;
  private WorkerServiceImpl service;
  private HttpServer server;
  private List<MessageConsumer<?>> consumers = List.of();
  private long usageTimer = -1;
  private boolean sampling;
  private String address;
  private Future<Void> registered = Future.failedFuture("not started");
  private final long claimPatienceMs;
  private final Promise<String> refused = Promise.promise();

  public WorkerVerticle(WorkerConfig config, ControllerService controller, Clock clock) {
    this(config, controller, clock, new ProcessTaskRuntime());
  }

  WorkerVerticle(WorkerConfig config, ControllerService controller, Clock clock, TaskRuntime runtime) {
    this(config, controller, clock, runtime, ControllerSession.CLAIM_PATIENCE_MS);
  }

  /** {@code claimPatienceMs}: how long a refused id is asked for again before the worker gives up ({@link #refused}). */
  WorkerVerticle(WorkerConfig config, ControllerService controller, Clock clock, TaskRuntime runtime,
      long claimPatienceMs) {
    this.claimPatienceMs = claimPatienceMs;
    this.config = config;
    this.controller = controller;
    this.clock = clock;
    this.runtime = runtime;
  }

  /** The port the worker's server listens on; -1 when it is reachable only over the event bus. */
  public int actualPort() {
    return server == null ? -1 : server.actualPort();
  }

  /** The address the worker registered with: {@code bus://<id>} or {@code host:port}. */
  public String address() {
    return address;
  }

  /**
   * Completes once the controller accepted the worker's first registration; fails when the controller refused
   * the worker's id until the worker gave up (see {@link #refused}).
   */
  public Future<Void> registered() {
    return registered;
  }

  /**
   * Completes, with the controller's reason, when the worker gave up registering because the controller kept
   * refusing its id for {@value ControllerSession#CLAIM_PATIENCE_MS} ms: another live worker, at another address,
   * holds it. The worker then no longer registers or heartbeats; its process should stop. Never fails.
   */
  public Future<String> refused() {
    return refused.future();
  }

  @Override
  public Future<?> start() {
    ops = new ContextOps(context);
    dirs = new WorkDirs(config.workDir());
    taskDirs = new TaskDirRetention(vertx, ops, dirs, config.keepTaskDirs());
    table = new TaskTable(MAX_FINISHED_RETAINED);
    admissions = new Admissions(MAX_FENCES);
    PortAllocator ports = new PortAllocator(config.portRangeFrom(), config.portRangeTo());
    metrics = new WorkerMetrics(ports::heldCount);
    reporter = new StateReporter(vertx, ops, controller, metrics, (key, acknowledged) -> table
        .find(key.taskId(), key.attemptId()).ifPresent(a -> runner.apply(a, new AttemptEvent.ReportSettled(acknowledged))));
    return ops.blocking(this::prepareMachine).compose(metadata -> {
      logs = new TaskLogStore(dirs.logsDir(), clock);
      BundleInstaller bundles = new BundleInstaller(ops, new BundleCache(dirs.bundlesDir()), controller, metrics);
      runner = new AttemptRunner(config, clock, vertx, ops, runtime, dirs, taskDirs, logs, bundles, ports, reporter,
          new OrphanSweeper(vertx, ops, runtime instanceof ProcessTaskRuntime p && p.startsNewSessions()),
          this::finished, metrics);
      lease = new LeaseKeeper(vertx, config.workerId(), this::fence);
      service = new WorkerServiceImpl(config, clock, ops, table, runner, logs, () -> address,
          metrics, admissions, lease);
      consumers = new ArrayList<>(WorkerServiceBinding.bind(vertx.eventBus(), config.workerId(), service));
      // cluster-wide: a controller in another JVM of a clustered bus reaches a bus-only worker's metrics too
      consumers.add(vertx.eventBus().consumer(WorkerServiceBinding.metricsAddress(config.workerId()),
          m -> m.reply(metrics.scrape(table.unfinished()))));
      // on a clustered bus a subscription takes a moment to reach the other members: register after it did
      Future<Void> subscribed = Future.all(consumers.stream().map(c -> c.completion()).toList()).mapEmpty();
      return subscribed.compose(v -> serve(service)).map(metadata);
    }).map(metadata -> {
      address = config.busOnly() ? WorkerLinks.BUS_SCHEME + config.workerId()
          : new HostPort(config.advertiseHost(), server.actualPort()).toString();
      usageTimer = vertx.setPeriodic(USAGE_INTERVAL_MS, t -> sampleUsage());
      session = new ControllerSession(vertx, ops, controller, config.workerId(), address,
          metadata.toBuilder().setStartCapacity(START_CAPACITY).build(), admissions, this::entries, metrics, lease,
          claimPatienceMs);
      lease.askRenewalWith(session::heartbeatNow);
      registered = session.start();
      session.refused().onSuccess(refused::tryComplete);
      log.info("worker {} serving at {} ({} cpu, {} MiB memory, {} MiB disk{}; tasks start through {})",
          config.workerId(), address,
          metadata.getCpuCount(), metadata.getMemoryBytes() >> 20, metadata.getDiskBytes() >> 20,
          metadata.getDevice().hasGpu() ? ", " + metadata.getDevice().getGpu().getCount() + " gpu" : "",
          runtime instanceof ProcessTaskRuntime p ? p.launchMethod() : runtime.getClass().getSimpleName());
      return null;
    }).recover(e -> ops.blocking(() -> {
      releaseWorkDir(true); // nothing started yet: nothing for the watchdog to clean
      return null;
    }).transform(x -> Future.failedFuture(e)));
  }

  @Override
  public Future<?> stop() {
    if (service != null) {
      service.refuseNewTasks(); // the controller's retries of the attempts killed below go elsewhere
    }
    if (usageTimer != -1) {
      vertx.cancelTimer(usageTimer);
    }
    List<Future<Void>> ends = new ArrayList<>();
    if (table != null) {
      for (Attempt a : table.unfinished()) {
        runner.kill(a, STOP_GRACE, "Worker stopping");
      }
      table.all().forEach(a -> ends.add(a.ended())); // finished ones may still be cleaning up
    }
    Future<Boolean> killed = Future.join(ends).timeout(STOP_PATIENCE_MS, java.util.concurrent.TimeUnit.MILLISECONDS)
        .map(true).otherwise(false);
    return killed.transform(allEnded -> {
      boolean clean = allEnded.succeeded() && allEnded.result();
      if (taskDirs != null) {
        taskDirs.close(); // kept directories stay: the next start's leftover cleanup removes them
      }
      if (session != null) {
        session.close();
      }
      if (lease != null) {
        lease.close();
      }
      if (reporter != null) {
        reporter.close();
      }
      List<Future<?>> closing = new ArrayList<>();
      closing.add(WorkerServiceBinding.unbind(consumers));
      if (server != null) {
        closing.add(server.close());
      }
      return Future.join(closing).transform(x -> ops.blocking(() -> {
        runtime.close();
        if (logs != null) {
          logs.close();
        }
        // an attempt that arrived while stopping is not among those waited for, but it is recorded
        releaseWorkDir(clean && !dirs.hasRecordedProcesses());
        return null;
      }));
    });
  }

  /**
   * Ends the watchdog (disarmed when {@code clean}: every task tree is gone and no process is recorded, so
   * it exits without a cleanup and the run's files stay; otherwise it cleans up now) and then releases
   * the work directory's lock. Blocking.
   */
  private void releaseWorkDir(boolean clean) {
    if (watchdog != null) {
      if (clean) {
        watchdog.disarm();
      } else {
        log.warn("worker {} stopped with task processes it could not confirm gone: its watchdog (pid {}) cleans up",
            config.workerId(), watchdog.pid());
        watchdog.close();
      }
      watchdog = null;
    }
    if (lock != null) {
      lock.close();
      lock = null;
    }
  }

  private WorkerMetadata prepareMachine() throws Exception {
    Files.createDirectories(dirs.root());
    lock = WorkDirLock.acquire(dirs.root(), WorkDirLock.Occupant.WORKER, CLEANUP_PATIENCE,
        EnumSet.of(WorkDirLock.Occupant.CLEANUP));
    if (runtime instanceof ProcessTaskRuntime) {
      // before anything can start: from here on a crash of this process is cleaned up after
      watchdog = Watchdog.start(dirs.root()).orElse(null);
    }
    WorkDirs.LeftoverReport leftovers = dirs.cleanLeftovers(runtime, WorkDirs.LEFTOVER_GRACE);
    if (leftovers.processTreesKilled() > 0 || leftovers.entriesRemoved() > 0) {
      log.info("worker {} removed leftovers of an earlier run: {} process trees killed, {} entries removed",
          config.workerId(), leftovers.processTreesKilled(), leftovers.entriesRemoved());
    }
    WorkerMetadata.Builder m = MachineProbe.probe(config.workDir()).toBuilder()
        .setIpAddress(config.advertiseHost()).putAllAttributes(config.attributes());
    if (config.cpu() != null) {
      m.setCpuCount(config.cpu());
    }
    if (config.memoryBytes() != null) {
      m.setMemoryBytes(config.memoryBytes());
    }
    if (config.diskBytes() != null) {
      m.setDiskBytes(config.diskBytes());
    }
    return m.build();
  }

  /**
   * The token the worker's callers must bear: its controller's, once the controller told it (until then, no
   * one: a worker takes no call before it registered); null (anyone) when its controller authenticates no one.
   * Whether the worker holds a token of its own does not matter: its controller decides.
   */
  private String controllerToken() {
    return session == null ? "" : session.controllerToken();
  }

  private Future<Void> serve(WorkerServiceImpl service) {
    if (config.busOnly()) {
      return Future.succeededFuture();
    }
    GrpcServer grpc = GrpcServer.server(vertx, new GrpcServerOptions().setMaxMessageSize(GrpcClients.MAX_MESSAGE_BYTES));
    grpc.addService(MalformedRequests.refused(BearerGate.guarded(WorkerServiceGrpcService.of(service),
        this::controllerToken, java.util.Set.of("HealthCheck"))));
    grpc.addService(io.vertx.grpc.reflection.ReflectionService.v1());
    server = vertx.createHttpServer(config.tls().applyTo(new HttpServerOptions().setHost(config.host())
        .setPort(config.port())));
    Router dashboard = Router.router(vertx);
    dashboard.get("/health").handler(ctx -> ctx.json(new JsonObject().put("status", "ok")
        .put("worker_id", config.workerId()).put("running_tasks", table.unfinishedCount())
        .put("tls", config.tls().serves())));
    dashboard.get("/metrics").handler(ctx -> ctx.response()
        .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape(table.unfinished())));
    if (!config.token().isEmpty()) { // the worker's own page and API: only for holders of the worker's token
      dashboard.route("/api/*").handler(ctx -> {
        if (BearerGate.bears(ctx.request().getHeader("authorization"), config.token())) {
          ctx.next();
        } else {
          dev.iris.web.JsonRoutes.error(ctx, 401, "this worker's API needs 'authorization: Bearer <the worker's token>'");
        }
      });
    }
    WorkerDashboardRoutes.mount(dashboard, service, config.workerId());
    server.requestHandler(req -> {
      String type = req.getHeader("content-type");
      if (type != null && type.startsWith("application/grpc")) {
        grpc.handle(req);
      } else {
        dashboard.handle(req);
      }
    });
    return server.listen().mapEmpty();
  }

  /**
   * The attempts a heartbeat or registration carries: every unfinished one, and the finished ones whose
   * report is not yet acknowledged or that ended recently (so a lost terminal report heals), not the
   * whole retained history.
   */
  private List<WorkerTaskEntry> entries() {
    long recent = clock.millis() - FINISHED_IN_HEARTBEAT_MS;
    List<WorkerTaskEntry> list = new ArrayList<>();
    for (Attempt a : table.currentAttempts()) {
      if (!a.isFinished() || a.state.finishedAtMs() >= recent || a.state.reportUnsettled()) {
        list.add(AttemptProtos.entry(a.state));
      }
    }
    return list;
  }

  /** The lease ran out: every unfinished attempt is killed with {@code grace} and ends WORKER_FAILED; returns how many. */
  private int fence(Duration grace, String reason) {
    List<Attempt> live = table.unfinished();
    for (Attempt a : live) {
      runner.fence(a, grace, reason);
    }
    return live.size();
  }

  /**
   * Records a finished attempt; the attempts this makes the table forget lose their logs, pid records and
   * (if still kept) directories, once they ended: one may still be sweeping its orphans after a burst.
   */
  private void finished(Attempt a) {
    // an attempt whose end the controller has not acknowledged stays: heartbeats must still list it
    List<Attempt> evicted = table.finished(a, x -> x.state.reportUnsettled());
    if (!evicted.isEmpty()) {
      List<AttemptKey> keys = evicted.stream().map(e -> e.key).toList();
      Future.join(evicted.stream().map(Attempt::ended).toList()).transform(x -> {
        keys.forEach(taskDirs::forget); // after ended: a kept directory's timer is armed by then
        return ops.blocking(() -> {
          for (AttemptKey key : keys) {
            logs.delete(key);
            dirs.deleteAttempt(key);
          }
          return null;
        });
      }).onFailure(e -> log.warn("cannot remove forgotten attempts: {}", e.toString()));
    }
  }

  private void sampleUsage() {
    if (sampling) {
      return;
    }
    List<Attempt> running = table.currentAttempts().stream().filter(a -> a.runningCommand() != null).toList();
    if (running.isEmpty()) {
      return;
    }
    sampling = true;
    runner.sampleUsage(running).onComplete(x -> {
      sampling = false;
      if (x.failed()) {
        log.debug("usage sampling failed: {}", x.cause().toString());
      }
    });
  }
}
