package dev.iris.worker;

import static dev.iris.worker.WorkerTesting.await;
import static dev.iris.worker.WorkerTesting.shJob;
import static dev.iris.worker.WorkerTesting.shTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iris.common.RpcException;
import dev.iris.link.EventBusWorkerLink;
import dev.iris.link.GrpcControllerLink;
import dev.iris.link.GrpcWorkerLink;
import dev.iris.node.WorkerNode;
import dev.iris.rpc.CommandEntrypoint;
import dev.iris.rpc.Controller;
import dev.iris.rpc.Empty;
import dev.iris.rpc.JobState;
import dev.iris.rpc.TaskState;
import dev.iris.rpc.TaskStatus;
import dev.iris.rpc.Worker;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A worker serving gRPC on its own port, registered with the controller over gRPC, as a separate process would. */
class WorkerGrpcTest {
  @TempDir Path workDir;
  private ClusterFixture cluster;
  private GrpcClient client;
  private WorkerNode node;
  private GrpcWorkerLink worker;

  @BeforeEach
  void start() throws Exception {
    cluster = new ClusterFixture();
    client = GrpcClient.client(cluster.vertx);
    GrpcControllerLink toController = new GrpcControllerLink(client,
        SocketAddress.inetSocketAddress(cluster.controller.port(), "127.0.0.1"), 10_000);
    WorkerConfig config = WorkerConfig.defaults("gw", workDir).withServer("127.0.0.1", 0, "127.0.0.1")
        .withCapacity(2, 4L << 30, 4L << 30).withControllerAddress(cluster.controllerAddress());
    node = await(WorkerNode.start(cluster.vertx, config, toController));
    await(node.registered());
    worker = new GrpcWorkerLink(client, SocketAddress.inetSocketAddress(node.port(), "127.0.0.1"), 10_000);
  }

  @AfterEach
  void stop() throws Exception {
    await(node.stop());
    client.close();
    cluster.close();
  }

  @Test
  void registersItsNetworkAddressAndRunsJobsDispatchedOverGrpc() throws Exception {
    assertThat(node.port()).isPositive();
    assertThat(node.address()).isEqualTo("127.0.0.1:" + node.port());
    var workers = await(cluster.api.listWorkers(Controller.ListWorkersRequest.getDefaultInstance())).getWorkersList();
    assertThat(workers).extracting(w -> w.getWorkerId() + "@" + w.getAddress()).containsExactly("gw@" + node.address());

    String id = cluster.launch(shJob("overgrpc", 2, "echo task $IRIS_TASK_INDEX"));
    assertThat(cluster.awaitFinished(id).getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    TaskStatus status = await(worker.getTaskStatus(Worker.GetTaskStatusRequest.newBuilder()
        .setTaskId(id + "/task-1").build()));
    assertThat(status.getState()).isEqualTo(TaskState.TASK_STATE_SUCCEEDED);
    assertThat(status.getWorkerAddress()).isEqualTo(node.address());
    assertThat(await(worker.fetchTaskLogs(Worker.FetchTaskLogsRequest.newBuilder().setTaskId(id + "/task-1").build()))
        .getLogsList()).extracting(Worker.LogEntry::getData).containsExactly("task 1");
    assertThat(await(worker.healthCheck(Empty.getDefaultInstance())).getHealthy()).isTrue();
  }

  @Test
  void errorsKeepTheirStatusAndMessageOverGrpc() {
    assertThatThrownBy(() -> await(worker.runTask(shTask("j", 0, 0, "true")
        .setEntrypoint(CommandEntrypoint.getDefaultInstance()).build())))
        .isInstanceOfSatisfying(RpcException.class, e -> {
          assertThat(e.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
          assertThat(e.getMessage()).contains("command must not be empty");
        });
    assertThatThrownBy(() -> await(worker.getTaskStatus(Worker.GetTaskStatusRequest.newBuilder()
        .setTaskId("none/task-0").build())))
        .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(GrpcStatus.NOT_FOUND));
  }

  @Test
  void alsoServesOnTheEventBusAndAnswersHttpHealth() throws Exception {
    EventBusWorkerLink bus = new EventBusWorkerLink(cluster.vertx.eventBus(), "gw", 10_000);
    assertThat(await(bus.healthCheck(Empty.getDefaultInstance())).getHealthy()).isTrue();
    HttpResponse<String> health = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/health")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"worker_id\":\"gw\"");
    await(worker.runTask(shTask("seen", 0, 0, "true").build()));
    HttpResponse<String> tasks = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/api/tasks")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(tasks.statusCode()).isEqualTo(200);
    assertThat(tasks.body()).contains("\"task_id\":\"seen/task-0\"");
    HttpResponse<String> page = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("worker-app.js");
  }
}
