package dev.iris.worker;

import static dev.iris.worker.WorkerTesting.alive;
import static dev.iris.worker.WorkerTesting.await;
import static dev.iris.worker.WorkerTesting.eventually;
import static dev.iris.worker.WorkerTesting.shTask;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.common.ProtoStates;
import dev.iris.link.EventBusWorkerLink;
import dev.iris.node.WorkerNode;
import dev.iris.rpc.EnvironmentConfig;
import dev.iris.rpc.TaskState;
import dev.iris.rpc.TaskStatus;
import dev.iris.rpc.Worker;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Keep logs, drop the rest": real short tasks on an in-process worker; each prints its working directory
 * ({@code pwd}) first, and the test watches that directory go once the attempt ended while its logs stay.
 */
class TaskDirRetentionTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Duration KEEP = Duration.ofSeconds(3);
  @TempDir Path workDir;
  private Vertx vertx;
  private WorkerNode node;
  private EventBusWorkerLink worker;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    if (node != null) {
      await(node.stop());
    }
    await(vertx.close());
  }

  private void startWorker(Duration keepTaskDirs) throws Exception {
    node = await(WorkerNode.start(vertx, WorkerConfig.defaults("w1", workDir).withCapacity(4, 1L << 30, 1L << 30)
        .withKeepTaskDirs(keepTaskDirs), new StubController()));
    worker = new EventBusWorkerLink(vertx.eventBus(), "w1", 10_000);
  }

  @Test
  void aFinishedAttemptsDirectoryGoesAndItsLogsStay() throws Exception {
    startWorker(Duration.ZERO);
    List<String> scripts = List.of(
        "pwd; echo data > out.txt; echo ok",
        "pwd; echo data > out.txt; echo boom >&2; exit 3",
        "pwd; sleep 1000 > /dev/null 2>&1 & echo orphan $!");
    for (int i = 0; i < scripts.size(); i++) {
      await(worker.runTask(shTask("quick", i, 1, scripts.get(i)).build()));
    }
    for (int i = 0; i < scripts.size(); i++) {
      String task = "quick/task-" + i;
      TaskStatus done = awaitEnd(task);
      Path dir = workingDir(task, 1);
      assertThat(dir.getParent()).isEqualTo(workDir.toRealPath().resolve("tasks"));
      Poll.until(WAIT, "the directory of " + task + " to go", () -> !Files.exists(dir));
      assertThat(logs(task, 1)).as("logs of %s (%s)", task, done.getState()).contains(dir.toString());
    }
    assertThat(logs("quick/task-0", 1)).contains("ok");
    assertThat(logs("quick/task-1", 1)).contains("boom");
    long orphan = Long.parseLong(logs("quick/task-2", 1).stream().filter(l -> l.startsWith("orphan "))
        .findFirst().orElseThrow().substring("orphan ".length()));
    assertThat(alive(orphan)).as("the orphan, swept before its directory went").isFalse();
    assertThat(workDir.resolve("tasks")).isEmptyDirectory();
  }

  @Test
  void aSupersededAttemptsDirectoryGoesToo() throws Exception {
    startWorker(Duration.ZERO);
    await(worker.runTask(shTask("again", 0, 1, "pwd; exec sleep 60").build()));
    eventually(WAIT, "the first attempt's directory", () -> !logs("again/task-0", 1).isEmpty());
    Path first = workingDir("again/task-0", 1);
    assertThat(first).isDirectory();

    await(worker.runTask(shTask("again", 0, 2, "pwd; echo second").build()));
    TaskStatus done = awaitEnd("again/task-0");
    assertThat(done.getAttemptsList()).extracting(a -> a.getAttemptId() + ":" + a.getState())
        .containsExactly("1:TASK_STATE_KILLED", "2:TASK_STATE_SUCCEEDED");
    Path second = workingDir("again/task-0", 2);
    Poll.until(WAIT, "both attempts' directories to go", () -> !Files.exists(first) && !Files.exists(second));
    assertThat(logs("again/task-0", 1)).containsExactly(first.toString());
    assertThat(logs("again/task-0", 2)).containsExactly(second.toString(), "second");
  }

  @Test
  void whatASetupCommandLeftRunningIsKilledBeforeTheDirectoryGoes() throws Exception {
    startWorker(Duration.ZERO);
    String leaveAHelper = "pwd; sleep 1000 > /dev/null 2>&1 & echo helper $!";
    await(worker.runTask(shTask("setup", 0, 1, "echo main").setEnvironment(EnvironmentConfig.newBuilder()
        .addAllSetupCommand(List.of("sh", "-c", leaveAHelper))).build()));
    await(worker.runTask(shTask("setup", 1, 1, "echo never").setEnvironment(EnvironmentConfig.newBuilder()
        .addAllSetupCommand(List.of("sh", "-c", leaveAHelper + "; exit 4"))).build()));
    assertThat(awaitEnd("setup/task-0").getState()).isEqualTo(TaskState.TASK_STATE_SUCCEEDED);
    assertThat(awaitEnd("setup/task-1").getState()).isEqualTo(TaskState.TASK_STATE_FAILED);
    for (String task : List.of("setup/task-0", "setup/task-1")) {
      List<String> lines = logs(task, 1);
      Path dir = Path.of(lines.get(0));
      long helper = Long.parseLong(lines.get(1).substring("helper ".length()));
      Poll.until(WAIT, "the directory of " + task + " to go", () -> !Files.exists(dir));
      assertThat(alive(helper)).as("the setup command's helper of %s", task).isFalse();
    }
  }

  @Test
  void aKeptDirectoryStaysForTheKeepDurationAfterTheEnd() throws Exception {
    startWorker(KEEP);
    await(worker.runTask(shTask("kept", 0, 1, "pwd; echo data > out.txt").build()));
    TaskStatus done = awaitEnd("kept/task-0");
    assertThat(done.getState()).isEqualTo(TaskState.TASK_STATE_SUCCEEDED);
    Path dir = workingDir("kept/task-0", 1);
    assertThat(dir.resolve("out.txt")).as("right after the end").hasContent("data");

    Poll.until(KEEP.plus(WAIT), "the kept directory to go", () -> !Files.exists(dir));
    assertThat(Duration.ofMillis(System.currentTimeMillis() - done.getFinishedAtMs()))
        .as("gone no earlier than the keep duration after the end").isGreaterThanOrEqualTo(KEEP);
    assertThat(logs("kept/task-0", 1)).containsExactly(dir.toString());
  }

  @Test
  void aDirectoryKeptWhenTheWorkerStopsIsRemovedByTheNextStart() throws Exception {
    startWorker(Duration.ofHours(1));
    await(worker.runTask(shTask("left", 0, 1, "pwd").build()));
    awaitEnd("left/task-0");
    Path dir = workingDir("left/task-0", 1);
    await(node.stop());
    node = null;
    assertThat(dir).as("kept across the stop").isDirectory();

    startWorker(Duration.ofHours(1));
    assertThat(dir).as("removed as a leftover by the next start").doesNotExist();
  }

  // ---------------------------------------------------------------- helpers

  /** The directory the attempt's script printed with {@code pwd}, its first line on stdout. */
  private Path workingDir(String taskId, int attemptId) throws Exception {
    return Path.of(await(worker.fetchTaskLogs(Worker.FetchTaskLogsRequest.newBuilder().setTaskId(taskId)
        .setAttemptId(attemptId).build())).getLogsList().stream().filter(l -> l.getSource().equals("stdout"))
        .findFirst().orElseThrow().getData());
  }

  private List<String> logs(String taskId, int attemptId) throws Exception {
    return await(worker.fetchTaskLogs(Worker.FetchTaskLogsRequest.newBuilder().setTaskId(taskId)
        .setAttemptId(attemptId).build())).getLogsList().stream().map(Worker.LogEntry::getData).toList();
  }

  private TaskStatus awaitEnd(String taskId) throws Exception {
    eventually(WAIT, taskId + " to end", () -> ProtoStates.isFinished(status(taskId).getState()));
    return status(taskId);
  }

  private TaskStatus status(String taskId) throws Exception {
    return await(worker.getTaskStatus(Worker.GetTaskStatusRequest.newBuilder().setTaskId(taskId).build()));
  }
}
