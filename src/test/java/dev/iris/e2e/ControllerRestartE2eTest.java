package dev.iris.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.client.IrisClient;
import dev.iris.client.JobRequest;
import dev.iris.common.ProtoStates;
import dev.iris.rpc.JobState;
import dev.iris.rpc.JobStatus;
import dev.iris.rpc.TaskState;
import dev.iris.rpc.TaskStatus;
import dev.iris.rpc.WorkerHealthStatus;
import dev.iris.worker.Poll;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A durable controller JVM killed with SIGKILL and started again on its state directory, with two worker JVMs
 * that stay up: running tasks keep their process and attempt, tasks that end during the outage end as they
 * did, the earlier jobs are all there, and a submission while the controller is down fails cleanly.
 */
@Tag("slow")
class ControllerRestartE2eTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private Path dir;
  private Processes processes;
  private int port;
  private String address;
  private Processes.Server controller;

  @BeforeEach
  void startCluster(@TempDir Path tempDir) {
    dir = tempDir;
    port = Processes.freePort();
    address = "127.0.0.1:" + port;
    processes = new Processes(dir, Map.of("IRIS_CONTROLLER_ADDRESS", address));
    startController();
    for (String id : List.of("w1", "w2")) {
      processes.start("worker", "--controller", address, "--host", "127.0.0.1", "--port", "0",
          "--work-dir", dir.resolve(id).toString(), "--worker-id", id, "--cpu", "2",
          "--task-ports", id.equals("w1") ? "30000-34999" : "35000-39999");
    }
    try (IrisClient iris = client()) {
      Poll.until(WAIT, "both workers to register", () -> iris.listWorkers().stream()
          .filter(WorkerHealthStatus::getHealthy).count() == 2);
    }
  }

  @AfterEach
  void stopEverything() {
    if (processes != null) {
      processes.close();
    }
  }

  private void startController() {
    controller = processes.start("controller", "--host", "127.0.0.1", "--port", Integer.toString(port),
        "--state-dir", dir.resolve("state").toString());
    Processes.awaitLine(controller, "iris controller listening on " + address, WAIT);
  }

  private IrisClient client() {
    return IrisClient.remote(address, processes.token());
  }

  /** SIGKILL, by the controller's own handle, and wait until it is gone. */
  private void killController() throws Exception {
    controller.process().destroyForcibly();
    controller.process().onExit().get();
  }

  /** A task that writes "pid attempt" to its own line of {@code file}, then sleeps. */
  private static JobRequest sleeper(String name, Path file, int seconds) {
    return JobRequest.command("/bin/sh", "-c",
        "echo \"$$ $IRIS_ATTEMPT_ID\" >> " + file + "; sleep " + seconds + "; echo done")
        .name(name).cpu(0);
  }

  @Test
  void runningTasksSurviveAControllerKilledAndRestartedAndEndAsTheyWouldHave() throws Exception {
    Path longPids = dir.resolve("long.pids");
    Path shortPids = dir.resolve("short.pids");
    String finished;
    try (IrisClient iris = client()) {
      finished = iris.submit(JobRequest.command("/bin/true").name("before")).id();
      Poll.until(WAIT, "the first job to end", () -> ProtoStates.isFinished(iris.status(finished, false).getState()));
      iris.submit(sleeper("long", longPids, 12).replicas(2));
      iris.submit(sleeper("short", shortPids, 2));
      Poll.until(WAIT, "every task to run", () -> Processes.readLines(longPids).size() == 2
          && Processes.readLines(shortPids).size() == 1
          && iris.status("long", false).getState() == JobState.JOB_STATE_RUNNING
          && iris.status("short", false).getState() == JobState.JOB_STATE_RUNNING);
    }

    killController();
    // down for longer than the short task lives: it ends while no controller hears of it
    Processes.Run refused = processes.run("job", "run", "--name", "while-down", "--", "/bin/true");
    assertThat(refused.exitCode()).as("%s", refused).isNotZero();
    assertThat(refused.err()).as("%s", refused).hasSize(1);
    assertThat(refused.err().get(0)).startsWith("iris: ").doesNotContain("Exception");
    Thread.sleep(3_000);
    startController();

    assertThat(controller.lines()).anyMatch(l -> l.startsWith("iris controller listening on " + address)
        && l.contains("(recovered 3 jobs and 2 workers from "));
    try (IrisClient iris = client()) {
      assertThat(iris.status(finished, false).getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
      assertThat(iris.listJobs(null, "").stream().map(JobStatus::getJobId).toList())
          .contains("before", "long", "short").doesNotContain("while-down");
      Poll.until(WAIT, "the short job to end", () -> ProtoStates.isFinished(iris.status("short", false).getState()));
      Poll.until(WAIT, "the long job to end", () -> ProtoStates.isFinished(iris.status("long", false).getState()));

      for (String job : List.of("short", "long")) {
        assertThat(iris.status(job, false).getState()).as(job).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        for (TaskStatus task : iris.listTasks(job)) {
          assertThat(task.getAttemptsList()).as("%s", task).hasSize(1);
          assertThat(task.getAttempts(0).getState()).isEqualTo(TaskState.TASK_STATE_SUCCEEDED);
        }
      }
      // each task's process started once: the same pid and attempt carried on through the restart
      assertThat(Processes.readLines(longPids)).hasSize(2).allMatch(l -> l.endsWith(" 0"));
      assertThat(Processes.readLines(shortPids)).hasSize(1).allMatch(l -> l.endsWith(" 0"));
      assertThat(iris.fetchTaskLogs("long", 0, 0, 0)).extracting(e -> e.getData()).containsExactly("done");

      // and the restarted controller runs new work on the same workers
      String after = iris.submit(JobRequest.command("/bin/true").name("after").replicas(4).cpu(0)).id();
      Poll.until(WAIT, "a job after the restart to end", () -> ProtoStates.isFinished(iris.status(after, false).getState()));
      assertThat(iris.status(after, false).getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
      assertThat(iris.listWorkers()).allMatch(WorkerHealthStatus::getHealthy).hasSize(2);
    }
  }
}
