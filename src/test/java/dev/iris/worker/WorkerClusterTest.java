package dev.iris.worker;

import static dev.iris.worker.ClusterFixture.WAIT;
import static dev.iris.worker.WorkerTesting.alive;
import static dev.iris.worker.WorkerTesting.await;
import static dev.iris.worker.WorkerTesting.eventually;
import static dev.iris.worker.WorkerTesting.shJob;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.iris.link.EventBusWorkerLink;
import dev.iris.node.WorkerNode;
import dev.iris.rpc.CommandEntrypoint;
import dev.iris.rpc.Controller;
import dev.iris.rpc.EnvironmentConfig;
import dev.iris.rpc.JobState;
import dev.iris.rpc.JobStatus;
import dev.iris.rpc.TaskState;
import dev.iris.rpc.TaskStatus;
import dev.iris.rpc.Worker;
import dev.iris.rpc.WorkerService;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real controller and a real worker in one Vert.x, the worker on the event bus; jobs submitted over
 * gRPC run as real processes.
 */
class WorkerClusterTest {
  @TempDir Path tmp;
  private ClusterFixture cluster;
  private FlakyControllerLink link;
  private WorkerNode node;
  private WorkerService worker;

  @BeforeEach
  void start() throws Exception {
    cluster = new ClusterFixture();
    link = new FlakyControllerLink(cluster.busLink(), 0);
    WorkerConfig config = WorkerConfig.defaults("w1", tmp.resolve("work")).withCapacity(8, 8L << 30, 8L << 30)
        .withControllerAddress(cluster.controllerAddress()).withPortRange(31000, 31999);
    node = await(WorkerNode.start(cluster.vertx, config, link));
    await(node.registered());
    worker = new EventBusWorkerLink(cluster.vertx.eventBus(), "w1", 10_000);
  }

  @AfterEach
  void stop() throws Exception {
    await(node.stop());
    cluster.close();
  }

  @Test
  void eachReplicaSeesExactlyItsIrisEnvironment() throws Exception {
    String id = cluster.launch(shJob("envjob", 4, "env | grep -E '^(IRIS_|USER_VAR=)' | sort")
        .setEnvironment(EnvironmentConfig.newBuilder().putEnvVars("USER_VAR", "mine")
            .putEnvVars("IRIS_TASK_ID", "spoofed"))
        .addPorts("http"));
    JobStatus done = cluster.awaitFinished(id);
    assertThat(done.getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      TaskStatus status = status(id + "/task-" + i);
      int port = status.getPortsMap().get("http");
      ports.add(port);
      Map<String, String> expected = new TreeMap<>(Map.of(
          "IRIS_JOB_ID", id,
          "IRIS_TASK_ID", id + "/task-" + i,
          "IRIS_TASK_INDEX", Integer.toString(i),
          "IRIS_NUM_TASKS", "4",
          "IRIS_ATTEMPT_ID", "0",
          "IRIS_WORKER_ID", "w1",
          "IRIS_CONTROLLER_ADDRESS", cluster.controllerAddress(),
          "IRIS_BIND_HOST", "127.0.0.1",
          "IRIS_ADVERTISE_HOST", "127.0.0.1",
          "IRIS_PORT_HTTP", Integer.toString(port)));
      expected.put("USER_VAR", "mine");
      List<String> lines = new ArrayList<>();
      expected.forEach((k, v) -> lines.add(k + "=" + v));
      assertThat(logs(id + "/task-" + i)).containsExactlyElementsOf(lines);
    }
    assertThat(ports).doesNotHaveDuplicates();
  }

  @Test
  void theControllerServesTheMetricsOfAWorkerInItsProcess() throws Exception {
    cluster.awaitFinished(cluster.launch(shJob("counted", 2, "true")));
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String base = "http://" + cluster.controllerAddress();

    HttpResponse<String> mine = http.send(HttpRequest.newBuilder(URI.create(base + "/workers/w1/metrics"))
        .timeout(java.time.Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(mine.statusCode()).isEqualTo(200);
    assertThat(mine.body()).contains("iris_worker_process_launches_total{outcome=\"started\"} 2.0");

    HttpResponse<String> elsewhere = http.send(HttpRequest.newBuilder(URI.create(base + "/workers/nope/metrics"))
        .timeout(java.time.Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(elsewhere.statusCode()).isEqualTo(404);
    assertThat(elsewhere.body()).contains("worker nope does not run in the controller's process");
  }

  @Test
  void exitCodesAndErrorsReachTheController() throws Exception {
    String id = cluster.launch(shJob("boom", 1, "echo boom >&2; exit 3"));
    JobStatus done = cluster.awaitFinished(id);
    assertThat(done.getState()).isEqualTo(JobState.JOB_STATE_FAILED);
    TaskStatus task = cluster.task(id, 0);
    assertThat(task.getState()).isEqualTo(TaskState.TASK_STATE_FAILED);
    assertThat(task.getExitCode()).isEqualTo(3);
    assertThat(task.getError()).isEqualTo("Exit code: 3: boom");
  }

  @Test
  void commandThatCannotStartFailsClearly() throws Exception {
    String id = cluster.launch(shJob("nostart", 1, "").setEntrypoint(CommandEntrypoint.newBuilder()
        .addArgv("/nonexistent/iris-program")));
    cluster.awaitFinished(id);
    TaskStatus task = cluster.task(id, 0);
    assertThat(task.getState()).isEqualTo(TaskState.TASK_STATE_FAILED);
    assertThat(task.getError()).contains("/nonexistent/iris-program");
  }

  @Test
  void bundleIsUnpackedIntoTheWorkingDirectory() throws Exception {
    byte[] zip = zip(Map.of("run.sh", "echo from-bundle; cat data/value.txt\n", "data/value.txt", "42\n"));
    String id = cluster.launch(shJob("bundled", 1, "").setEntrypoint(CommandEntrypoint.newBuilder()
        .addArgv("sh").addArgv("run.sh")).setBundleBlob(ByteString.copyFrom(zip)));
    JobStatus done = cluster.awaitFinished(id);
    assertThat(done.getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    assertThat(logs(id + "/task-0")).containsExactly("from-bundle", "42");
    TaskStatus status = status(id + "/task-0");
    assertThat(status.getBuildMetrics().getBuildStartedMs()).isPositive();
    assertThat(status.getBuildMetrics().getFromCache()).isFalse();
    // the second job with the same bundle is served from the cache
    String again = cluster.launch(shJob("bundled2", 1, "").setEntrypoint(CommandEntrypoint.newBuilder()
        .addArgv("sh").addArgv("run.sh")).setBundleBlob(ByteString.copyFrom(zip)));
    assertThat(cluster.awaitFinished(again).getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    assertThat(status(again + "/task-0").getBuildMetrics().getFromCache()).isTrue();
  }

  @Test
  void maliciousBundleIsRefused() throws Exception {
    byte[] zip = zip(Map.of("../evil", "gotcha\n"));
    // refused at submit (the worker's unpacker refuses it too: BundleCacheTest)
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> cluster.launch(shJob("evil", 1, "true")
        .setBundleBlob(ByteString.copyFrom(zip)))).hasMessageContaining("bundle entry '../evil' escapes the working directory");
    try (var files = Files.walk(tmp)) {
      assertThat(files.filter(p -> p.getFileName().toString().equals("evil"))).isEmpty();
    }
  }

  @Test
  void allocatedPortsAreDistinctBindableAndExported() throws Exception {
    String id = cluster.launch(shJob("ports", 2, "echo $IRIS_PORT_HTTP $IRIS_PORT_ADMIN; exec sleep 60")
        .addPorts("http").addPorts("admin"));
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      String task = id + "/task-" + i;
      eventually(WAIT, task + " printing its ports", () -> !logs(task).isEmpty());
      Map<String, Integer> ports = status(task).getPortsMap();
      assertThat(ports.keySet()).containsExactlyInAnyOrder("http", "admin");
      assertThat(logs(task)).containsExactly(ports.get("http") + " " + ports.get("admin"));
      all.addAll(ports.values());
    }
    assertThat(new HashSet<>(all)).hasSize(4);
    for (int port : all) {
      assertThat(port).isBetween(31000, 31999);
      try (ServerSocket socket = new ServerSocket()) {
        socket.bind(new InetSocketAddress("127.0.0.1", port));
      }
    }
    eventually(WAIT, "ports reported to the controller", () -> cluster.task(id, 0).getPortsMap().size() == 2);
    await(cluster.api.terminateJob(Controller.TerminateJobRequest.newBuilder().setJobId(id).build()));
    assertThat(cluster.awaitFinished(id).getState()).isEqualTo(JobState.JOB_STATE_KILLED);
  }

  @Test
  void terminatingAJobKillsATreeThatIgnoresSigterm() throws Exception {
    String id = cluster.launch(shJob("stubborn", 1,
        "trap '' TERM; echo root $$; sleep 1000 & echo child $!; while true; do sleep 1; done"));
    String task = id + "/task-0";
    eventually(WAIT, "both pids printed", () -> logs(task).size() >= 2);
    long root = Long.parseLong(logs(task).get(0).substring(5));
    long child = Long.parseLong(logs(task).get(1).substring(6));
    await(cluster.api.terminateJob(Controller.TerminateJobRequest.newBuilder().setJobId(id).build()));
    eventually(WAIT, "the attempt to end on the worker", () -> status(task).getState() == TaskState.TASK_STATE_KILLED);
    assertThat(alive(root)).isFalse();
    assertThat(alive(child)).isFalse();
    assertThat(cluster.awaitFinished(id).getState()).isEqualTo(JobState.JOB_STATE_KILLED);
  }

  @Test
  void reportsAreRetriedWhileTheControllerIsUnreachable() throws Exception {
    link.reportsToFail.set(4);
    String id = cluster.launch(shJob("flaky", 1, "echo ok"));
    JobStatus done = cluster.awaitFinished(id);
    assertThat(done.getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    assertThat(link.failedReports.get()).isEqualTo(4);
    eventually(WAIT, "a report delivered after the failures", () -> link.deliveredReports.get() >= 1);
  }

  // ---------------------------------------------------------------- helpers

  private TaskStatus status(String taskId) throws Exception {
    return await(worker.getTaskStatus(Worker.GetTaskStatusRequest.newBuilder().setTaskId(taskId).build()));
  }

  private List<String> logs(String taskId) throws Exception {
    return await(worker.fetchTaskLogs(Worker.FetchTaskLogsRequest.newBuilder().setTaskId(taskId).build()))
        .getLogsList().stream().map(Worker.LogEntry::getData).toList();
  }

  private static byte[] zip(Map<String, String> files) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream out = new ZipOutputStream(bytes)) {
      for (Map.Entry<String, String> e : new TreeMap<>(files).entrySet()) {
        out.putNextEntry(new ZipEntry(e.getKey()));
        out.write(e.getValue().getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
      }
    }
    return bytes.toByteArray();
  }
}
