package dev.iris.worker;

import static dev.iris.worker.WorkerTesting.alive;
import static dev.iris.worker.WorkerTesting.await;
import static dev.iris.worker.WorkerTesting.eventually;
import static dev.iris.worker.WorkerTesting.shJob;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.link.GrpcWorkerLink;
import dev.iris.rpc.Controller;
import dev.iris.rpc.JobState;
import dev.iris.rpc.Worker;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code iris worker} as a separate JVM against an in-test controller, everything over real gRPC. */
@Tag("slow")
class WorkerProcessTest {
  private static final Pattern SERVING = Pattern.compile("iris worker (\\S+) serving on 127\\.0\\.0\\.1:(\\d+), controller .*");
  @TempDir Path workDir;
  private ClusterFixture cluster;
  private Process process;

  @BeforeEach
  void start() throws Exception {
    cluster = new ClusterFixture();
  }

  @AfterEach
  void stop() throws Exception {
    if (process != null && process.isAlive()) {
      process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
    }
    cluster.close();
  }

  @Test
  void workerProcessRunsJobsAndKillsItsTasksWhenStopped() throws Exception {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    process = new ProcessBuilder(javaBin, "-cp", System.getProperty("surefire.test.class.path"), "dev.iris.cli.Main",
        "worker", "--controller", cluster.controllerAddress(), "--host", "127.0.0.1", "--port", "0",
        "--work-dir", workDir.toString(), "--worker-id", "proc-w", "--cpu", "2", "--attribute", "zone=test")
        .redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<Matcher> serving = CompletableFuture.supplyAsync(() -> {
      try {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          Matcher m = SERVING.matcher(line);
          if (m.matches()) {
            return m;
          }
        }
        throw new IllegalStateException("the worker exited without serving");
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    });
    Matcher m = serving.get(60, TimeUnit.SECONDS);
    assertThat(m.group(1)).isEqualTo("proc-w");
    int port = Integer.parseInt(m.group(2));
    List<String> output = new java.util.concurrent.CopyOnWriteArrayList<>();
    Thread drain = new Thread(() -> {
      try {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          output.add(line); // also keeps the pipe from filling up
        }
      } catch (java.io.IOException ignored) {
        // the process ended
      }
    }, "worker-output");
    drain.setDaemon(true);
    drain.start();

    eventually(Duration.ofSeconds(30), "the worker to register", () -> await(cluster.api.listWorkers(
        Controller.ListWorkersRequest.getDefaultInstance())).getWorkersList().stream()
        .anyMatch(w -> w.getWorkerId().equals("proc-w") && w.getAddress().equals("127.0.0.1:" + port)
            && w.getMetadata().getAttributesMap().equals(Map.of("zone", "test"))));

    String ok = cluster.launch(shJob("fromprocess", 1, "echo hello from $IRIS_WORKER_ID"));
    assertThat(cluster.awaitFinished(ok).getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);

    String slow = cluster.launch(shJob("longrunning", 1, "echo root $$; exec sleep 1000"));
    GrpcClient client = GrpcClient.client(cluster.vertx);
    try {
      GrpcWorkerLink worker = new GrpcWorkerLink(client, SocketAddress.inetSocketAddress(port, "127.0.0.1"), 10_000);
      assertThat(logs(worker, ok + "/task-0")).containsExactly("hello from proc-w");
      eventually(Duration.ofSeconds(30), "the long task's pid", () -> !logs(worker, slow + "/task-0").isEmpty());
      long pid = Long.parseLong(logs(worker, slow + "/task-0").get(0).substring(5));
      assertThat(alive(pid)).isTrue();

      process.destroy(); // SIGTERM to the worker JVM, by its pid: its shutdown hook stops the worker
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("worker exited; its output: %s", output).isTrue();
      assertThat(alive(pid)).isFalse();
    } finally {
      client.close();
    }
  }

  private static List<String> logs(GrpcWorkerLink worker, String taskId) throws Exception {
    return await(worker.fetchTaskLogs(Worker.FetchTaskLogsRequest.newBuilder().setTaskId(taskId).build()))
        .getLogsList().stream().map(Worker.LogEntry::getData).toList();
  }
}
