package dev.iris.controller.api;

import static dev.iris.link.EventBusControllerLink.address;

import dev.iris.common.EventBusRpc;
import dev.iris.common.GrpcClients;
import dev.iris.common.MalformedRequests;
import dev.iris.common.Tls;
import dev.iris.controller.ControllerMetrics;
import dev.iris.controller.StoreClient;
import dev.iris.controller.StoreQuery;
import dev.iris.core.auth.Caller;
import dev.iris.core.auth.Role;
import dev.iris.rpc.Controller;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.grpc.reflection.ReflectionService;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;
import java.util.function.BiConsumer;

/**
 * The controller's one port: gRPC {@code ControllerService} (with server reflection) and HTTP (health,
 * and whatever routes the dashboard mounts) on the same listener. The same service handlers also answer
 * on the event bus for in-process workers and clients.
 */
public final class ControllerServerVerticle extends VerticleBase {
  /**
   * Who calls over the event bus: the workers and clients in this JVM, or members of the clustered bus,
   * which only members of the cluster reach (see the README on {@code --cluster}).
   */
  public static final Caller IN_CLUSTER = Caller.of("cluster", Role.ADMIN);
  /** The largest message the controller takes unless told otherwise: {@link GrpcClients#MAX_MESSAGE_BYTES}. */
  public static final long MAX_MESSAGE_BYTES = GrpcClients.MAX_MESSAGE_BYTES;
  private long maxMessageBytes = MAX_MESSAGE_BYTES;
  private final String host;
  private final int port;
  private final long heartbeatIntervalMs;
  private final BiConsumer<Router, ControllerServiceImpl> routes;
  private HttpServer server;

  private final ControllerMetrics metrics;
  /** Whether other machines reach the port without authentication: /health says so, the dashboard warns. */
  private final boolean exposed;
  private final dev.iris.controller.ControllerAuth auth;

  /**
   * @param routes mounts more HTTP routes (the dashboard) on the router, next to the API they may call; or
   *     null for none
   * @param exposed whether other machines reach the port (without authentication)
   */
  public ControllerServerVerticle(String host, int port, long heartbeatIntervalMs,
      BiConsumer<Router, ControllerServiceImpl> routes, boolean exposed, ControllerMetrics metrics,
      dev.iris.controller.ControllerAuth auth) {
    this.auth = auth;
    this.metrics = metrics;
    this.exposed = exposed;
    this.host = host;
    this.port = port;
    this.heartbeatIntervalMs = heartbeatIntervalMs;
    this.routes = routes;
  }

  /** How the port serves (its certificate and key) and how workers are called (its CA); plaintext by default. */
  private Tls tls = Tls.NONE;

  /** Serves gRPC, HTTPS and WSS with {@code tls}'s certificate, and calls workers with its CA; before deploying. */
  public ControllerServerVerticle withTls(Tls tls) {
    this.tls = tls;
    return this;
  }

  /** The same verticle taking gRPC messages of up to {@code bytes}; call before it is deployed. */
  public ControllerServerVerticle withMaxMessageBytes(long bytes) {
    this.maxMessageBytes = bytes;
    return this;
  }

  private dev.iris.core.Lease lease = dev.iris.core.Lease.NONE;

  /** Grants workers {@code l} with every acknowledged registration and heartbeat (none by default); before deploying. */
  public ControllerServerVerticle withLease(dev.iris.core.Lease l) {
    this.lease = l;
    return this;
  }

  /** The port actually bound (useful when asked for port 0). */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    ControllerServiceImpl service = new ControllerServiceImpl(vertx, heartbeatIntervalMs, lease, metrics, auth,
        tls.clientSide());
    GrpcServer grpc = GrpcServer.server(vertx, new GrpcServerOptions().setMaxMessageSize(maxMessageBytes));
    grpc.addService(MalformedRequests.refused(new ControllerGrpcService(service)));
    grpc.addService(ReflectionService.v1());
    bindEventBus(service);

    Router router = Router.router(vertx);
    dev.iris.web.BrowserGuards.install(router);
    HttpAuth.install(router, auth);
    router.get("/health").handler(ctx -> ctx.json(new io.vertx.core.json.JsonObject().put("status", "ok")
        .put("authenticated", auth.enabled()).put("exposed", exposed).put("tls", tls.serves())));
    StoreClient store = new StoreClient(vertx);
    // metrics describe the whole cluster: for the roles that read it (not a worker's or a task's token)
    io.vertx.core.Handler<io.vertx.ext.web.RoutingContext> readers = ctx -> {
      try {
        dev.iris.core.auth.Access.require(HttpAuth.caller(ctx), dev.iris.core.auth.Access.Permission.READ_CLUSTER);
        ctx.next();
      } catch (RuntimeException e) {
        dev.iris.web.JsonRoutes.fail(ctx, e);
      }
    };
    router.get("/metrics").handler(readers);
    router.get("/workers/:id/metrics").handler(readers);
    router.get("/metrics").handler(ctx -> store.read(new StoreQuery.CountStates())
        .onSuccess(snap -> ctx.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
            .end(metrics.scrape(snap)))
        .onFailure(ctx::fail));
    router.get("/workers/:id/metrics").handler(this::localWorkerMetrics);
    if (routes != null) {
      routes.accept(router, service);
    }
    server = vertx.createHttpServer(tls.applyTo(new HttpServerOptions().setHost(host).setPort(port)
        .setMaxFormAttributeSize(-1)));
    server.requestHandler(req -> {
      String type = req.getHeader("content-type");
      if (type != null && type.startsWith("application/grpc")) {
        grpc.handle(req);
      } else {
        router.handle(req);
      }
    });
    return server.listen();
  }

  /** The metrics of a worker running in this JVM (the workers of {@code iris local} have no port). */
  private void localWorkerMetrics(io.vertx.ext.web.RoutingContext ctx) {
    String id = ctx.pathParam("id");
    vertx.eventBus().<String>request(dev.iris.link.WorkerServiceBinding.metricsAddress(id), "")
        .onSuccess(m -> ctx.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
            .end(m.body()))
        .onFailure(t -> ctx.response().setStatusCode(404).putHeader("content-type", "text/plain; charset=utf-8")
            .end("worker " + id + " does not run in the controller's process; scrape /metrics on the worker's own port\n"));
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  /**
   * The same handlers on the event bus, for the workers and clients in this JVM ({@code iris local}) and,
   * with {@code --cluster}, for the members of the clustered bus: callers inside the cluster's trust
   * boundary, served as {@link #IN_CLUSTER}.
   */
  private void bindEventBus(ControllerServiceImpl s) {
    var bus = vertx.eventBus();
    Caller c = IN_CLUSTER;
    EventBusRpc.bind(bus, address("LaunchJob"), Controller.LaunchJobRequest.parser(), r -> s.launchJob(c, r));
    EventBusRpc.bind(bus, address("GetJobStatus"), Controller.GetJobStatusRequest.parser(), r -> s.getJobStatus(c, r));
    EventBusRpc.bind(bus, address("TerminateJob"), Controller.TerminateJobRequest.parser(), r -> s.terminateJob(c, r));
    EventBusRpc.bind(bus, address("ListJobs"), Controller.ListJobsRequest.parser(), r -> s.listJobs(c, r));
    EventBusRpc.bind(bus, address("GetTaskStatus"), Controller.GetTaskStatusRequest.parser(),
        r -> s.getTaskStatus(c, r));
    EventBusRpc.bind(bus, address("ListTasks"), Controller.ListTasksRequest.parser(), r -> s.listTasks(c, r));
    EventBusRpc.bind(bus, address("RegisterWorker"), Controller.RegisterWorkerRequest.parser(),
        r -> s.registerWorker(c, r));
    EventBusRpc.bind(bus, address("Heartbeat"), Controller.HeartbeatRequest.parser(), r -> s.heartbeat(c, r));
    EventBusRpc.bind(bus, address("ListWorkers"), Controller.ListWorkersRequest.parser(), r -> s.listWorkers(c, r));
    EventBusRpc.bind(bus, address("ReportTaskState"), Controller.ReportTaskStateRequest.parser(),
        r -> s.reportTaskState(c, r));
    EventBusRpc.bind(bus, address("ReportTaskStates"), Controller.ReportTaskStatesRequest.parser(),
        r -> s.reportTaskStates(c, r));
    EventBusRpc.bind(bus, address("GetBundle"), Controller.GetBundleRequest.parser(), r -> s.getBundle(c, r));
    EventBusRpc.bind(bus, address("FetchTaskLogs"), Controller.FetchTaskLogsRequest.parser(),
        r -> s.fetchTaskLogs(c, r));
    EventBusRpc.bind(bus, address("RegisterEndpoint"), Controller.RegisterEndpointRequest.parser(),
        r -> s.registerEndpoint(c, r));
    EventBusRpc.bind(bus, address("UnregisterEndpoint"), Controller.UnregisterEndpointRequest.parser(),
        r -> s.unregisterEndpoint(c, r));
    EventBusRpc.bind(bus, address("LookupEndpoint"), Controller.LookupEndpointRequest.parser(),
        r -> s.lookupEndpoint(c, r));
    EventBusRpc.bind(bus, address("ListEndpoints"), Controller.ListEndpointsRequest.parser(),
        r -> s.listEndpoints(c, r));
  }
}
