package dev.iris.worker;

import static dev.iris.worker.WorkerTesting.await;
import static dev.iris.worker.WorkerTesting.shJob;
import static dev.iris.worker.WorkerTesting.shTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iris.common.RpcException;
import dev.iris.controller.ControllerAuth;
import dev.iris.core.auth.Caller;
import dev.iris.core.auth.Role;
import dev.iris.core.auth.TokenBook;
import dev.iris.link.GrpcControllerLink;
import dev.iris.link.GrpcWorkerLink;
import dev.iris.node.WorkerNode;
import dev.iris.rpc.Controller;
import dev.iris.rpc.Empty;
import dev.iris.rpc.JobState;
import dev.iris.rpc.Worker;
import dev.iris.rpc.WorkerMetadata;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker serving gRPC, registered with a controller that authenticates, takes its calls from that
 * controller only: called directly, with no token, the cluster's admin token, its own worker token or any
 * other, it refuses every call but HealthCheck, and nothing runs. Its HTTP API needs its own token.
 */
class WorkerGateGrpcTest {
  private static final String ADMIN = "admin-token-0123456789abcdef";
  private static final String WORKER = "worker-gate-token-0123456789";
  private static final String ROGUE = "worker-rogue-token-0123456789";

  @TempDir Path workDir;
  @TempDir Path outside;
  private ClusterFixture cluster;
  private GrpcClient client;
  private WorkerNode node;

  @BeforeEach
  void start() throws Exception {
    ControllerAuth auth = ControllerAuth.of(ADMIN, List.of(new TokenBook.Grant(WORKER, Caller.of("gate", Role.WORKER)),
        new TokenBook.Grant(ROGUE, Caller.of("rogue", Role.WORKER))));
    cluster = new ClusterFixture(Vertx.vertx(), auth, ADMIN);
    client = GrpcClient.client(cluster.vertx);
    GrpcControllerLink toController = new GrpcControllerLink(client,
        SocketAddress.inetSocketAddress(cluster.controller.port(), "127.0.0.1"), 10_000, WORKER);
    WorkerConfig config = WorkerConfig.defaults("gate", workDir).withServer("127.0.0.1", 0, "127.0.0.1")
        .withCapacity(2, 4L << 30, 4L << 30).withControllerAddress(cluster.controllerAddress()).withToken(WORKER);
    node = await(WorkerNode.start(cluster.vertx, config, toController));
    await(node.registered());
  }

  @AfterEach
  void stop() throws Exception {
    await(node.stop());
    client.close();
    cluster.close();
  }

  @Test
  void directCallsAreRefusedWhateverTheyBearAndNothingRuns() throws Exception {
    // the controller's own calls get through
    String job = cluster.launch(shJob("through-controller", 1, "echo ran"));
    assertThat(cluster.awaitFinished(job).getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);

    Path marker = outside.resolve("intruder-ran");
    for (String token : List.of("", ADMIN, WORKER, "random-token-0123456789abcdef")) {
      GrpcWorkerLink direct = new GrpcWorkerLink(client, SocketAddress.inetSocketAddress(node.port(), "127.0.0.1"),
          10_000, token);
      unauthenticated(() -> direct.runTask(shTask("intruder", 0, 0, "touch " + marker).build()), "RunTask");
      unauthenticated(() -> direct.killTask(Worker.KillTaskRequest.newBuilder().setTaskId(job + "/task-0").build()),
          "KillTask");
      unauthenticated(() -> direct.fetchTaskLogs(Worker.FetchTaskLogsRequest.newBuilder().setTaskId(job + "/task-0")
          .build()), "FetchTaskLogs");
      unauthenticated(() -> direct.listTasks(Worker.ListTasksRequest.getDefaultInstance()), "ListTasks");
      unauthenticated(() -> direct.getTaskStatus(Worker.GetTaskStatusRequest.newBuilder().setTaskId(job + "/task-0")
          .build()), "GetTaskStatus");
      assertThat(await(direct.healthCheck(Empty.getDefaultInstance())).getHealthy()).isTrue();
    }
    Thread.sleep(500); // a RunTask that got through would have started by now
    assertThat(marker).doesNotExist();
    try (Stream<Path> dirs = Files.list(workDir.resolve("tasks"))) {
      assertThat(dirs).noneMatch(d -> d.getFileName().toString().startsWith("intruder"));
    }
  }

  /**
   * What the controller hands one worker opens no other: a rogue worker token registers workers of its own,
   * one of them at the gate worker's very address, and bears what the controller answered it.
   */
  @Test
  void theTokenTheControllerHandsAnotherWorkerDoesNotOpenThisOne() throws Exception {
    GrpcControllerLink rogue = new GrpcControllerLink(client,
        SocketAddress.inetSocketAddress(cluster.controller.port(), "127.0.0.1"), 10_000, ROGUE);
    Path marker = outside.resolve("rogue-ran");
    for (String[] idAndAddress : List.of(new String[] {"rogue", "127.0.0.1:1"},
        new String[] {"rogue-twin", node.address()})) {
      String handed = await(rogue.registerWorker(Controller.RegisterWorkerRequest.newBuilder()
          .setWorkerId(idAndAddress[0]).setAddress(idAndAddress[1])
          .setMetadata(WorkerMetadata.newBuilder().setCpuCount(0)).build())).getControllerToken();
      assertThat(handed).isNotEmpty();
      GrpcWorkerLink direct = new GrpcWorkerLink(client, SocketAddress.inetSocketAddress(node.port(), "127.0.0.1"),
          10_000, handed);
      unauthenticated(() -> direct.runTask(shTask("rogue", 0, 0, "touch " + marker).build()), "RunTask");
      unauthenticated(() -> direct.listTasks(Worker.ListTasksRequest.getDefaultInstance()), "ListTasks");
    }
    Thread.sleep(500);
    assertThat(marker).doesNotExist();
    // the gate worker still takes its controller's calls
    String job = cluster.launch(shJob("still-served", 1, "echo ran"));
    assertThat(cluster.awaitFinished(job).getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
  }

  @Test
  void itsHttpApiNeedsItsOwnToken() throws Exception {
    assertThat(get("/api/tasks", null).statusCode()).isEqualTo(401);
    assertThat(get("/api/tasks", "random-token-0123456789abcdef").statusCode()).isEqualTo(401);
    assertThat(get("/api/tasks", ADMIN).statusCode()).isEqualTo(401);
    HttpResponse<String> own = get("/api/tasks", WORKER);
    assertThat(own.statusCode()).isEqualTo(200);
    assertThat(get("/health", null).statusCode()).isEqualTo(200);
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path));
    if (token != null) {
      b.header("authorization", "Bearer " + token);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void unauthenticated(Callable<Future<?>> call, String method) {
    assertThatThrownBy(() -> await(call.call())).isInstanceOfSatisfying(RpcException.class, e -> {
      assertThat(e.status()).as(e.getMessage()).isEqualTo(GrpcStatus.UNAUTHENTICATED);
      assertThat(e.getMessage()).isEqualTo("this worker takes " + method + " only from its controller");
    });
  }
}
