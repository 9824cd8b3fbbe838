package dev.iris.dashboard;

import dev.iris.controller.ControllerAuth;
import dev.iris.controller.journal.JournalOptions;
import dev.iris.controller.state.StoreConfig;
import dev.iris.link.EventBusControllerLink;
import dev.iris.link.GrpcControllerLink;
import dev.iris.node.ControllerNode;
import dev.iris.rpc.CommandEntrypoint;
import dev.iris.rpc.Controller;
import dev.iris.rpc.JobStatus;
import dev.iris.rpc.ResourceSpecProto;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A controller (with its default routes, so the dashboard) on a free port, fake workers, and clients. */
final class DashboardCluster implements AutoCloseable {
  final Vertx vertx = Vertx.vertx();
  final ControllerNode node;
  final GrpcControllerLink api;
  final EventBusControllerLink bus;
  final HttpClient http;
  private final GrpcClient grpc;
  private final List<LoggingFakeWorker> workers = new ArrayList<>();

  DashboardCluster() throws Exception {
    this(false);
  }

  /** A cluster on loopback; {@code exposed} makes the controller say other machines reach it (it warns). */
  DashboardCluster(boolean exposed) throws Exception {
    this(exposed, ControllerAuth.none());
  }

  /** A cluster on loopback that checks tokens with {@code auth}; {@link #api} bears its admin token. */
  DashboardCluster(ControllerAuth auth) throws Exception {
    this(false, auth, Optional.empty(), JournalOptions.defaults());
  }

  /**
   * A cluster on loopback whose controller keeps its state in {@code stateDir}, writing its journal with
   * {@code journal} (a failing disk) and probing a failed journal's directory every 100 ms.
   */
  DashboardCluster(Path stateDir, JournalOptions journal) throws Exception {
    this(false, ControllerAuth.none(), Optional.of(stateDir), journal);
  }

  private DashboardCluster(boolean exposed, ControllerAuth auth) throws Exception {
    this(exposed, auth, Optional.empty(), JournalOptions.defaults());
  }

  private DashboardCluster(boolean exposed, ControllerAuth auth, Optional<Path> stateDir, JournalOptions journal)
      throws Exception {
    var config = ControllerNode.Config.defaults("127.0.0.1", 0).withExposed(exposed).withAuth(auth)
        .withStore(new StoreConfig(2_000, StoreConfig.DEFAULT_START_CAPACITY, 1_000, 10_000)).withStateDir(stateDir);
    node = await(ControllerNode.start(vertx, config, Clock.systemUTC(), journal, 100));
    grpc = GrpcClient.client(vertx);
    api = as(auth.enabled() ? auth.adminToken() : "");
    bus = new EventBusControllerLink(vertx.eventBus(), 5_000);
    http = vertx.createHttpClient();
  }

  int port() {
    return node.port();
  }

  /** The controller over gRPC, every call bearing {@code token} (empty: none). */
  GrpcControllerLink as(String token) {
    return new GrpcControllerLink(grpc, SocketAddress.inetSocketAddress(node.port(), "127.0.0.1"), 5_000, token);
  }

  String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  LoggingFakeWorker worker(String id, int cpu, java.util.function.Function<dev.iris.rpc.Worker.RunTaskRequest,
      dev.iris.rpc.TaskState> outcome) throws Exception {
    LoggingFakeWorker w = await(new LoggingFakeWorker(vertx, bus, id, cpu).outcome(outcome).start());
    workers.add(w);
    return w;
  }

  String launch(String name, int replicas, int cpu) throws Exception {
    return launch(launchRequest(name, replicas, cpu));
  }

  String launch(Controller.LaunchJobRequest request) throws Exception {
    return await(api.launchJob(request)).getJobId();
  }

  static Controller.LaunchJobRequest launchRequest(String name, int replicas, int cpu) {
    return Controller.LaunchJobRequest.newBuilder().setName(name)
        .setEntrypoint(CommandEntrypoint.newBuilder().addArgv("python").addArgv("train.py").addArgv("--epochs=3"))
        .setResources(ResourceSpecProto.newBuilder().setReplicas(replicas).setCpu(cpu).setMemoryBytes(512L << 20))
        .build();
  }

  JobStatus status(String id) throws Exception {
    return await(api.getJobStatus(Controller.GetJobStatusRequest.newBuilder().setJobId(id).build())).getJob();
  }

  /** An HTTP answer: status code and body. */
  record Reply(int status, String body, io.vertx.core.MultiMap headers) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  Reply get(String uri) throws Exception {
    return send(HttpMethod.GET, uri);
  }

  Reply send(HttpMethod method, String uri) throws Exception {
    return send(port(), method, uri);
  }

  Reply send(int port, HttpMethod method, String uri) throws Exception {
    return send(port, method, uri, io.vertx.core.MultiMap.caseInsensitiveMultiMap());
  }

  /** A request with extra headers (an Origin, as a browser page sends). */
  Reply send(int port, HttpMethod method, String uri, io.vertx.core.MultiMap headers) throws Exception {
    return send(port, method, uri, headers, null);
  }

  /** A request with extra headers and a body (null: none). */
  Reply send(int port, HttpMethod method, String uri, io.vertx.core.MultiMap headers, String body)
      throws Exception {
    return await(http.request(method, port, "127.0.0.1", uri)
        .compose(req -> {
          req.headers().addAll(headers);
          return (body == null ? req.send() : req.send(body)).compose(resp -> resp.body()
              .map(b -> new Reply(resp.statusCode(), b.toString(), resp.headers())));
        }));
  }

  @Override
  public void close() throws Exception {
    for (LoggingFakeWorker w : workers) {
      await(w.stop());
    }
    await(node.stop());
    await(vertx.close());
  }

  interface Check {
    boolean ok() throws Exception;
  }

  static void eventually(Check check) throws Exception {
    eventually(Duration.ofSeconds(10), check);
  }

  static void eventually(Duration within, Check check) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (!check.ok()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + within.toSeconds() + " s");
      }
      Thread.sleep(20);
    }
  }

  static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof Exception ex ? ex : e;
    }
  }

}
