package dev.iris.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.client.IrisClient;
import dev.iris.client.JobRequest;
import dev.iris.rpc.JobState;
import dev.iris.rpc.JobStatus;
import dev.iris.rpc.TaskAttempt;
import dev.iris.rpc.TaskState;
import dev.iris.rpc.TaskStatus;
import dev.iris.rpc.WorkerHealthStatus;
import dev.iris.worker.Poll;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A burst on the real deployment: {@code iris controller} and two {@code iris worker} JVMs, many jobs of
 * zero-cpu tasks submitted at once from eight client threads over gRPC. Every task writes a marker file per
 * execution, so the test sees what really ran: each task succeeds with exactly one attempt that ran exactly
 * once, both workers take part, and no finished task's directory is left behind. The full size (20,000
 * tasks) with timings and memory is the bench's "burst" scenario (BENCHMARKS.md); CI runs 2,000.
 */
@Tag("slow")
class BurstE2eTest {
  private static final int JOBS = Integer.getInteger("burst.jobs", 8);
  private static final int REPLICAS = Integer.getInteger("burst.replicas", 250);
  private static final Duration WAIT = Duration.ofMinutes(5);

  @Test
  void everyTaskOfABurstRunsExactlyOnceSpreadOverBothWorkers(@TempDir Path dir) throws Exception {
    Path markers = Files.createDirectories(dir.resolve("markers"));
    int port = Processes.freePort();
    String controller = "127.0.0.1:" + port;
    try (Processes processes = new Processes(dir, Map.of("IRIS_CONTROLLER_ADDRESS", controller));
        IrisClient iris = IrisClient.remote(controller, processes.token())) {
      Processes.Server ctl = processes.start("controller", "--host", "127.0.0.1", "--port", Integer.toString(port));
      Processes.awaitLine(ctl, "iris controller listening on " + controller, WAIT);
      for (String id : List.of("w1", "w2")) {
        processes.start("worker", "--controller", controller, "--host", "127.0.0.1", "--port", "0",
            "--work-dir", dir.resolve(id).toString(), "--worker-id", id, "--cpu", "2",
            "--task-ports", id.equals("w1") ? "30000-34999" : "35000-39999");
      }
      Poll.until(WAIT, "both workers to register", () -> iris.listWorkers().stream()
          .filter(WorkerHealthStatus::getHealthy).count() == 2);

      // one marker per execution: its name says which attempt of which task ran, and in which process
      Function<String, JobRequest> request = name -> JobRequest.command("/bin/sh", "-c",
          "exec touch \"$MARKERS/$IRIS_JOB_ID.$IRIS_TASK_INDEX.$IRIS_ATTEMPT_ID.$$\"")
          .env("MARKERS", markers.toString()).replicas(REPLICAS).cpu(0).name(name);
      ExecutorService clients = Executors.newFixedThreadPool(8);
      List<Future<String>> submitted = new ArrayList<>();
      try {
        for (int j = 0; j < JOBS; j++) {
          String name = "burst-" + j;
          submitted.add(clients.submit(() -> iris.submit(request.apply(name)).id()));
        }
        for (Future<String> f : submitted) {
          f.get(1, TimeUnit.MINUTES);
        }
      } finally {
        clients.shutdownNow();
      }
      List<JobStatus> done = new ArrayList<>();
      for (Future<String> f : submitted) {
        done.add(iris.wait(f.get(), WAIT, false, null, line -> { }));
      }

      int tasks = JOBS * REPLICAS;
      Map<String, Integer> perWorker = new HashMap<>();
      for (JobStatus job : done) {
        JobStatus withTasks = iris.status(job.getJobId(), true);
        assertThat(withTasks.getState()).as(job.getJobId()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        for (TaskStatus t : withTasks.getTasksList()) {
          assertThat(t.getState()).as(t.getTaskId()).isEqualTo(TaskState.TASK_STATE_SUCCEEDED);
          assertThat(t.getAttemptsList()).as("attempts of %s", t.getTaskId()).hasSize(1);
          TaskAttempt only = t.getAttempts(0);
          perWorker.merge(only.getWorkerId(), 1, Integer::sum);
        }
      }
      Map<String, Long> executions = markers(markers);
      assertThat(executions).as("tasks that ran").hasSize(tasks);
      assertThat(executions.values()).as("executions per task attempt").containsOnly(1L);
      assertThat(perWorker).as("tasks per worker").containsOnlyKeys("w1", "w2");
      assertThat(perWorker.values()).allMatch(n -> n >= tasks / 10, "each worker took a fair share");
      // keep logs, drop the rest: no finished task leaves its directory behind
      Poll.until(Duration.ofSeconds(30), "finished task directories to be removed", () ->
          count(dir.resolve("w1").resolve("tasks")) + count(dir.resolve("w2").resolve("tasks")) == 0);
    }
  }

  /** Executions per "job.task.attempt", from the marker files' names. */
  private static Map<String, Long> markers(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString())
          .map(name -> name.substring(0, name.lastIndexOf('.')))
          .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }
  }

  private static long count(Path dir) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.count();
    } catch (IOException e) {
      return -1;
    }
  }
}
