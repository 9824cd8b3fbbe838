package dev.iris.worker;

import static dev.iris.worker.WorkerTesting.await;
import static dev.iris.worker.WorkerTesting.eventually;
import static dev.iris.worker.WorkerTesting.shTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iris.common.ProtoStates;
import dev.iris.link.GrpcWorkerLink;
import dev.iris.node.WorkerNode;
import dev.iris.rpc.CommandEntrypoint;
import dev.iris.rpc.TaskState;
import dev.iris.rpc.TaskStatus;
import dev.iris.rpc.Worker;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real worker serving gRPC on its port against a stub controller: what its {@code /metrics} page counts. */
class WorkerMetricsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  @TempDir Path workDir;
  private Vertx vertx;
  private StubController controller;
  private GrpcClient client;
  private WorkerNode node;
  private GrpcWorkerLink worker;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    controller = new StubController();
    client = GrpcClient.client(vertx);
    node = startWorker("mw", workDir.resolve("mw"));
    worker = new GrpcWorkerLink(client, SocketAddress.inetSocketAddress(node.port(), "127.0.0.1"), 10_000);
  }

  @AfterEach
  void stop() throws Exception {
    await(node.stop());
    client.close();
    await(vertx.close());
  }

  @Test
  void countsLaunchesAttemptsEndedAndWorkerServiceCalls() throws Exception {
    await(worker.runTask(task("ok", "/bin/true").build()));
    await(worker.runTask(shTask("exits3", 0, 0, "echo oops >&2; exit 3").build()));
    await(worker.runTask(task("missing", "/nonexistent/iris-no-such-program").build()));
    assertThatThrownBy(() -> await(worker.runTask(task("empty", "").build()))).hasMessageContaining("command must start with a program name");
    assertThat(awaitEnd("ok/task-0").getState()).isEqualTo(TaskState.TASK_STATE_SUCCEEDED);
    assertThat(awaitEnd("exits3/task-0").getState()).isEqualTo(TaskState.TASK_STATE_FAILED);
    assertThat(awaitEnd("missing/task-0").getState()).isEqualTo(TaskState.TASK_STATE_FAILED);

    String body = scrape(node);
    assertThat(value(body, "iris_worker_process_launches_total{outcome=\"started\"}")).isEqualTo(2);
    assertThat(value(body, "iris_worker_process_launches_total{outcome=\"failed_to_start\"}")).isEqualTo(1);
    assertThat(value(body, "iris_worker_launch_seconds_count")).isEqualTo(2);
    assertThat(value(body, "iris_worker_attempts_ended_total{state=\"SUCCEEDED\"}")).isEqualTo(1);
    assertThat(value(body, "iris_worker_attempts_ended_total{state=\"FAILED\"}")).isEqualTo(2);
    assertThat(value(body, "iris_worker_attempts_ended_total{state=\"KILLED\"}")).isZero();
    assertThat(value(body, "iris_worker_rpc_seconds_count{method=\"RunTask\",status=\"OK\"}")).isEqualTo(3);
    assertThat(value(body, "iris_worker_rpc_seconds_count{method=\"RunTask\",status=\"INVALID_ARGUMENT\"}"))
        .isEqualTo(1);
    assertThat(value(body, "iris_worker_rpc_seconds_count{method=\"GetTaskStatus\",status=\"OK\"}")).isPositive();
    assertThat(body).contains("iris_worker_rpc_seconds_bucket{method=\"RunTask\",status=\"OK\",le=");
    assertThat(value(body, "iris_worker_log_lines_total")).isEqualTo(1);
    assertThat(value(body, "iris_worker_log_bytes_total")).isGreaterThan("oops".length());
    assertThat(value(body, "iris_worker_state_reports_total{outcome=\"delivered\"}")).isPositive();
    assertThat(value(body, "iris_worker_state_reports_total{outcome=\"retried\"}")).isZero();
    assertThat(value(body, "iris_worker_attempts{state=\"RUNNING\"}")).isZero();
  }

  @Test
  void gaugesRunningAttemptsAndPortsHeldAndTimesHeartbeats() throws Exception {
    await(worker.runTask(shTask("sleepy", 0, 0, "sleep 30").addPorts("http").build()));
    awaitState("sleepy/task-0", TaskState.TASK_STATE_RUNNING);
    String running = scrape(node);
    assertThat(value(running, "iris_worker_attempts{state=\"RUNNING\"}")).isEqualTo(1);
    assertThat(value(running, "iris_worker_attempts{state=\"ASSIGNED\"}")).isZero();
    assertThat(value(running, "iris_worker_ports_held")).isEqualTo(1);

    await(worker.killTask(Worker.KillTaskRequest.newBuilder().setTaskId("sleepy/task-0").build()));
    assertThat(awaitEnd("sleepy/task-0").getState()).isEqualTo(TaskState.TASK_STATE_KILLED);
    eventually(WAIT, "heartbeats timed", () -> value(scrape(node),
        "iris_worker_heartbeat_seconds_count{outcome=\"ok\"}") >= 2);
    String ended = scrape(node);
    assertThat(value(ended, "iris_worker_attempts{state=\"RUNNING\"}")).isZero();
    assertThat(value(ended, "iris_worker_ports_held")).isZero();
    assertThat(value(ended, "iris_worker_attempts_ended_total{state=\"KILLED\"}")).isEqualTo(1);
    assertThat(value(ended, "iris_worker_rpc_seconds_count{method=\"KillTask\",status=\"OK\"}")).isEqualTo(1);
  }

  @Test
  void countsBundlesFetchedFromTheCacheAndFailedAndReportsRetried() throws Exception {
    byte[] zip = zip("run.sh", "echo bundled\n");
    String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(zip));
    controller.bundles.put(hash, zip);
    controller.reportsToRefuse.set(2); // two calls; a call may carry the reports of both jobs
    for (String job : List.of("first", "second")) {
      await(worker.runTask(task(job, "sh", "run.sh").setBundleHash(hash).build()));
      assertThat(awaitEnd(job + "/task-0").getState()).isEqualTo(TaskState.TASK_STATE_SUCCEEDED);
    }
    await(worker.runTask(task("nobundle", "/bin/true").setBundleHash("a".repeat(64)).build()));
    assertThat(awaitEnd("nobundle/task-0").getState()).isEqualTo(TaskState.TASK_STATE_FAILED);
    eventually(WAIT, "the refused reports retried", () -> controller.refusedReports.get() >= 2);

    String body = scrape(node);
    assertThat(value(body, "iris_worker_bundle_installs_total{outcome=\"fetched\"}")).isEqualTo(1);
    assertThat(value(body, "iris_worker_bundle_installs_total{outcome=\"cache_hit\"}")).isEqualTo(1);
    assertThat(value(body, "iris_worker_bundle_installs_total{outcome=\"failed\"}")).isEqualTo(1);
    assertThat(value(body, "iris_worker_state_reports_total{outcome=\"retried\"}"))
        .isEqualTo(controller.refusedReports.get());
    assertThat(value(body, "iris_worker_log_lines_total")).isEqualTo(2);
  }

  @Test
  void eachWorkerInTheJvmHasItsOwnMetrics() throws Exception {
    WorkerNode other = startWorker("other", workDir.resolve("other"));
    try {
      await(worker.runTask(task("mine", "/bin/true").build()));
      awaitEnd("mine/task-0");
      assertThat(value(scrape(node), "iris_worker_process_launches_total{outcome=\"started\"}")).isEqualTo(1);
      assertThat(value(scrape(other), "iris_worker_process_launches_total{outcome=\"started\"}")).isZero();
    } finally {
      await(other.stop());
    }
  }

  // ------------------------------------------------------------------ helpers

  private WorkerNode startWorker(String id, Path dir) throws Exception {
    WorkerConfig config = WorkerConfig.defaults(id, dir).withServer("127.0.0.1", 0, "127.0.0.1")
        .withCapacity(4, 1L << 30, 1L << 30);
    WorkerNode started = await(WorkerNode.start(vertx, config, controller));
    await(started.registered());
    return started;
  }

  private static Worker.RunTaskRequest.Builder task(String jobId, String... argv) {
    return Worker.RunTaskRequest.newBuilder().setJobId(jobId).setTaskId(jobId + "/task-0").setNumTasks(1)
        .setEntrypoint(CommandEntrypoint.newBuilder().addAllArgv(List.of(argv)));
  }

  private TaskStatus awaitState(String taskId, TaskState state) throws Exception {
    eventually(WAIT, taskId + " " + state, () -> status(taskId).getState() == state);
    return status(taskId);
  }

  private TaskStatus awaitEnd(String taskId) throws Exception {
    eventually(WAIT, taskId + " to end", () -> ProtoStates.isFinished(status(taskId).getState()));
    return status(taskId);
  }

  private TaskStatus status(String taskId) throws Exception {
    return await(worker.getTaskStatus(Worker.GetTaskStatusRequest.newBuilder().setTaskId(taskId).build()));
  }

  private static String scrape(WorkerNode n) throws Exception {
    // HTTP/1.1, as Prometheus scrapes: over the JDK client's default (an h2c upgrade) a 50 KB page never arrived
    HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.port() + "/metrics")).timeout(WAIT).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
    return r.body();
  }

  /** The value of one series in a Prometheus text page. */
  private static double value(String body, String series) {
    for (String line : body.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    throw new AssertionError("no series " + series + " in\n" + body);
  }

  private static byte[] zip(String name, String content) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream out = new ZipOutputStream(bytes)) {
      out.putNextEntry(new ZipEntry(name));
      out.write(content.getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
    return bytes.toByteArray();
  }
}
