package dev.iris.worker;

import static dev.iris.worker.WorkerTesting.alive;
import static dev.iris.worker.WorkerTesting.await;
import static dev.iris.worker.WorkerTesting.eventually;
import static dev.iris.worker.WorkerTesting.shTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iris.common.ProtoStates;
import dev.iris.common.RpcException;
import dev.iris.link.EventBusWorkerLink;
import dev.iris.node.WorkerNode;
import dev.iris.rpc.CommandEntrypoint;
import dev.iris.rpc.Controller;
import dev.iris.rpc.Empty;
import dev.iris.rpc.EnvironmentConfig;
import dev.iris.rpc.TaskState;
import dev.iris.rpc.TaskStatus;
import dev.iris.rpc.Worker;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One worker on the event bus against a stub controller: the WorkerService handlers and task phases. */
class WorkerServiceTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  @TempDir Path workDir;
  private Vertx vertx;
  private StubController controller;
  private WorkerNode node;
  private EventBusWorkerLink worker;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    controller = new StubController();
    node = await(WorkerNode.start(vertx, WorkerConfig.defaults("w1", workDir).withCapacity(4, 1L << 30, 1L << 30),
        controller));
    await(node.registered());
    worker = new EventBusWorkerLink(vertx.eventBus(), "w1", 10_000);
  }

  @AfterEach
  void stop() throws Exception {
    await(node.stop());
    await(vertx.close());
  }

  @Test
  void registersWithItsCapacityAndHeartbeatsItsTasks() throws Exception {
    Controller.RegisterWorkerRequest reg = controller.registrations.get(0);
    assertThat(reg.getAddress()).isEqualTo("bus://w1");
    assertThat(reg.getMetadata().getCpuCount()).isEqualTo(4);
    assertThat(reg.getMetadata().getMemoryBytes()).isEqualTo(1L << 30);
    await(worker.runTask(shTask("hb", 0, 0, "true").build()));
    eventually(WAIT, "a heartbeat listing the task", () -> controller.heartbeats.stream().anyMatch(h ->
        h.getTasksList().stream().anyMatch(t -> t.getTaskId().equals("hb/task-0")
            && t.getState() == TaskState.TASK_STATE_SUCCEEDED)));
  }

  @Test
  void registersAgainWhenAHeartbeatAnswerSaysSo() throws Exception {
    await(worker.runTask(shTask("again", 0, 0, "sleep 30").build()));
    awaitState("again/task-0", TaskState.TASK_STATE_RUNNING);
    controller.reregisterNext.set(true);
    eventually(WAIT, "a second registration", () -> controller.registrations.size() >= 2);
    assertThat(controller.registrations.get(1).getTasksList()).extracting(t -> t.getTaskId() + ":" + t.getState())
        .containsExactly("again/task-0:TASK_STATE_RUNNING");
    int beats = controller.heartbeats.size();
    eventually(WAIT, "heartbeats after registering again", () -> controller.heartbeats.size() > beats + 1);
  }

  @Test
  void runsATaskReportingEachPhaseInOrder() throws Exception {
    Worker.RunTaskResponse r = await(worker.runTask(shTask("ok", 0, 0, "echo hello").build()));
    assertThat(r.getState()).isEqualTo(TaskState.TASK_STATE_ASSIGNED);
    TaskStatus done = awaitEnd("ok/task-0");
    assertThat(done.getState()).isEqualTo(TaskState.TASK_STATE_SUCCEEDED);
    assertThat(done.getExitCode()).isZero();
    assertThat(done.getStartedAtMs()).isPositive();
    assertThat(done.getFinishedAtMs()).isGreaterThanOrEqualTo(done.getStartedAtMs());
    assertThat(done.getBuildMetrics().getBuildStartedMs()).isPositive();
    eventually(WAIT, "the terminal report", () -> controller.states("ok/task-0", 0).contains(TaskState.TASK_STATE_SUCCEEDED));
    List<TaskState> states = controller.states("ok/task-0", 0);
    assertThat(states.get(0)).isEqualTo(TaskState.TASK_STATE_BUILDING);
    assertThat(states).isSubsetOf(TaskState.TASK_STATE_BUILDING, TaskState.TASK_STATE_RUNNING,
        TaskState.TASK_STATE_SUCCEEDED).doesNotHaveDuplicates();
    assertThat(states.get(states.size() - 1)).isEqualTo(TaskState.TASK_STATE_SUCCEEDED);
    assertThat(logData("ok/task-0", Worker.FetchLogsFilter.getDefaultInstance())).containsExactly("hello");
  }

  @Test
  void nonZeroExitFailsWithTheCodeAndLastStderrLine() throws Exception {
    await(worker.runTask(shTask("bad", 0, 0, "echo first >&2; echo boom >&2; exit 3").build()));
    TaskStatus done = awaitEnd("bad/task-0");
    assertThat(done.getState()).isEqualTo(TaskState.TASK_STATE_FAILED);
    assertThat(done.getExitCode()).isEqualTo(3);
    assertThat(done.getError()).isEqualTo("Exit code: 3: boom");
  }

  @Test
  void commandThatCannotStartFailsWithAClearError() throws Exception {
    await(worker.runTask(shTask("nostart", 0, 0, "").setEntrypoint(CommandEntrypoint.newBuilder()
        .addArgv("no-such-program-iris")).build()));
    TaskStatus done = awaitEnd("nostart/task-0");
    assertThat(done.getState()).isEqualTo(TaskState.TASK_STATE_FAILED);
    assertThat(done.getError()).contains("no-such-program-iris");
  }

  @Test
  void invalidRunTaskRequestsAreRefusedPrecisely() {
    expect(() -> worker.runTask(shTask("j", 0, 0, "true").setTaskId("nope").build()),
        GrpcStatus.INVALID_ARGUMENT, "task id 'nope'");
    expect(() -> worker.runTask(shTask("j", 0, 0, "true").setEntrypoint(CommandEntrypoint.getDefaultInstance()).build()),
        GrpcStatus.INVALID_ARGUMENT, "command must not be empty");
    expect(() -> worker.runTask(shTask("j", 0, 0, "true").setTaskIndex(2).build()),
        GrpcStatus.INVALID_ARGUMENT, "task_index 2 does not match");
    expect(() -> worker.runTask(shTask("j", 0, 0, "true").addPorts("bad-name").build()),
        GrpcStatus.INVALID_ARGUMENT, "port name 'bad-name' must be");
    expect(() -> worker.runTask(shTask("j", 0, 0, "true").setBundleHash("abc").build()),
        GrpcStatus.INVALID_ARGUMENT, "bundle hash must be 64 lowercase hex digits (sha-256), got 'abc'");
    expect(() -> worker.runTask(shTask("j", 0, -1, "true").build()),
        GrpcStatus.INVALID_ARGUMENT, "attempt_id must not be negative");
  }

  @Test
  void aRepeatedRunTaskIsAnsweredAsTheFirstAndANewerAttemptKillsTheOlderOne() throws Exception {
    Worker.RunTaskResponse first = await(worker.runTask(shTask("re", 0, 0, "echo root $$; exec sleep 60").build()));
    awaitState("re/task-0", TaskState.TASK_STATE_RUNNING);
    long pid = rootPid("re/task-0");
    // a retried delivery of the same attempt starts nothing and answers with the same acceptance
    Worker.RunTaskResponse again = await(worker.runTask(shTask("re", 0, 0, "true").build()));
    assertThat(again.getAcceptedSeq()).isEqualTo(first.getAcceptedSeq()).isPositive();
    assertThat(again.getIncarnation()).isEqualTo(first.getIncarnation()).isNotEmpty();
    assertThat(rootPid("re/task-0")).isEqualTo(pid);
    await(worker.runTask(shTask("re", 0, 1, "echo second").build()));
    TaskStatus done = awaitEnd("re/task-0");
    assertThat(done.getCurrentAttemptId()).isEqualTo(1);
    assertThat(done.getState()).isEqualTo(TaskState.TASK_STATE_SUCCEEDED);
    assertThat(done.getAttemptsList()).extracting(a -> a.getAttemptId() + ":" + a.getState())
        .containsExactly("0:TASK_STATE_KILLED", "1:TASK_STATE_SUCCEEDED");
    assertThat(alive(pid)).isFalse();
    eventually(WAIT, "the older attempt reported KILLED",
        () -> controller.states("re/task-0", 0).contains(TaskState.TASK_STATE_KILLED));
    expect(() -> worker.runTask(shTask("re", 0, 0, "true").build()), GrpcStatus.FAILED_PRECONDITION, "superseded");
  }

  @Test
  void theLogsOfAttemptZeroStayReadableAfterANewerAttempt() throws Exception {
    await(worker.runTask(shTask("logs", 0, 0, "echo zero").build()));
    awaitEnd("logs/task-0");
    await(worker.runTask(shTask("logs", 0, 1, "echo one").build()));
    eventually(WAIT, "attempt 1 to end", () -> status("logs/task-0").getCurrentAttemptId() == 1
        && status("logs/task-0").getState() == TaskState.TASK_STATE_SUCCEEDED);
    Worker.FetchTaskLogsResponse zero = await(worker.fetchTaskLogs(Worker.FetchTaskLogsRequest.newBuilder()
        .setTaskId("logs/task-0").setAttemptId(0).build()));
    assertThat(zero.getLogsList()).extracting(Worker.LogEntry::getData).containsExactly("zero");
    assertThat(logData("logs/task-0", Worker.FetchLogsFilter.getDefaultInstance())).containsExactly("one");
  }

  @Test
  void killTaskTakesDownATreeThatIgnoresSigterm() throws Exception {
    String script = "trap '' TERM; echo root $$; sleep 1000 & echo child $!; while true; do sleep 1; done";
    await(worker.runTask(shTask("stubborn", 0, 0, script).build()));
    eventually(WAIT, "both pids printed", () -> logData("stubborn/task-0", Worker.FetchLogsFilter.getDefaultInstance())
        .size() >= 2);
    List<String> lines = logData("stubborn/task-0", Worker.FetchLogsFilter.getDefaultInstance());
    long root = Long.parseLong(lines.get(0).substring("root ".length()));
    long child = Long.parseLong(lines.get(1).substring("child ".length()));
    assertThat(alive(root)).isTrue();
    assertThat(alive(child)).isTrue();
    long asked = System.nanoTime();
    await(worker.killTask(Worker.KillTaskRequest.newBuilder().setTaskId("stubborn/task-0").setAttemptId(0)
        .setTermTimeoutMs(300).build()));
    TaskStatus done = awaitEnd("stubborn/task-0");
    assertThat(Duration.ofNanos(System.nanoTime() - asked)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
    assertThat(done.getState()).isEqualTo(TaskState.TASK_STATE_KILLED);
    assertThat(done.getError()).isEqualTo("Killed by request");
    assertThat(alive(root)).isFalse();
    assertThat(alive(child)).isFalse();
    // killing a finished task is a no-op; killing one not here yet fences it: its RunTask is refused
    await(worker.killTask(Worker.KillTaskRequest.newBuilder().setTaskId("stubborn/task-0").build()));
    assertThat(status("stubborn/task-0").getState()).isEqualTo(TaskState.TASK_STATE_KILLED);
    await(worker.killTask(Worker.KillTaskRequest.newBuilder().setTaskId("ghost/task-0").setAttemptId(3).build()));
    expect(() -> worker.runTask(shTask("ghost", 0, 3, "true").build()), GrpcStatus.FAILED_PRECONDITION,
        "superseded or cancelled");
    expect(() -> worker.runTask(shTask("ghost", 0, 2, "true").build()), GrpcStatus.FAILED_PRECONDITION,
        "superseded or cancelled");
    await(worker.runTask(shTask("ghost", 0, 4, "true").build()));
    assertThat(awaitEnd("ghost/task-0").getState()).isEqualTo(TaskState.TASK_STATE_SUCCEEDED);
  }

  @Test
  void processesATaskLeavesBehindAreSweptWhenItEnds() throws Exception {
    await(worker.runTask(shTask("daemon", 0, 0, "sleep 1000 > /dev/null 2>&1 & echo root $!").build()));
    TaskStatus done = awaitEnd("daemon/task-0");
    assertThat(done.getState()).isEqualTo(TaskState.TASK_STATE_SUCCEEDED);
    long orphan = rootPid("daemon/task-0");
    eventually(WAIT, "the orphaned sleep to be gone", () -> !alive(orphan));
  }

  @Test
  void logsComeInOrderAndFiltersApply() throws Exception {
    await(worker.runTask(shTask("logs", 0, 0, "for i in $(seq 1 50); do echo line-$i; done").build()));
    awaitEnd("logs/task-0");
    List<String> all = logData("logs/task-0", Worker.FetchLogsFilter.getDefaultInstance());
    assertThat(all).hasSize(50);
    for (int i = 0; i < 50; i++) {
      assertThat(all.get(i)).isEqualTo("line-" + (i + 1));
    }
    assertThat(logData("logs/task-0", filter().setStartLine(45).build()))
        .containsExactly("line-46", "line-47", "line-48", "line-49", "line-50");
    assertThat(logData("logs/task-0", filter().setStartLine(-2).build())).containsExactly("line-49", "line-50");
    assertThat(logData("logs/task-0", filter().setRegex("^line-4[0-2]$").build()))
        .containsExactly("line-40", "line-41", "line-42");
    assertThat(logData("logs/task-0", filter().setMaxLines(3).build())).containsExactly("line-1", "line-2", "line-3");
    Worker.FetchTaskLogsResponse resp = await(worker.fetchTaskLogs(Worker.FetchTaskLogsRequest.newBuilder()
        .setTaskId("logs/task-0").build()));
    assertThat(resp.getLogsList()).extracting(Worker.LogEntry::getLineNumber).isSorted();
    assertThat(resp.getLogs(0).getSource()).isEqualTo("stdout");
    long last = resp.getLogs(49).getTimestampMs();
    assertThat(logData("logs/task-0", filter().setStartMs(last).build())).isEmpty();
    assertThat(logData("logs/task-0", filter().setEndMs(last).build())).hasSize(50);
    expect(() -> worker.fetchTaskLogs(Worker.FetchTaskLogsRequest.newBuilder().setTaskId("logs/task-0")
        .setFilter(filter().setRegex("(unclosed")).build()), GrpcStatus.INVALID_ARGUMENT, "log filter: regex '(unclosed' is not valid");
    // a 64 KiB regex once held the worker's event loop for seconds: refused at once, without echoing it
    expect(() -> worker.fetchTaskLogs(Worker.FetchTaskLogsRequest.newBuilder().setTaskId("logs/task-0")
        .setFilter(filter().setRegex("(a+)+".repeat(13_000))).build()), GrpcStatus.INVALID_ARGUMENT,
        "regex is 65000 characters long; at most 1000 are accepted");
    assertThat(logData("logs/task-0", filter().setRegex("^(l+i*n*e*)+-4\\d$").build())).hasSize(10);
    expect(() -> worker.fetchTaskLogs(Worker.FetchTaskLogsRequest.newBuilder().setTaskId("nope/task-0").build()),
        GrpcStatus.NOT_FOUND, "nope/task-0");
  }

  @Test
  void timeoutKillsTheTreeAndFails() throws Exception {
    await(worker.runTask(shTask("slow", 0, 0, "echo root $$; sleep 60").setTimeoutSeconds(1).build()));
    TaskStatus done = awaitEnd("slow/task-0");
    assertThat(done.getState()).isEqualTo(TaskState.TASK_STATE_FAILED);
    assertThat(done.getError()).isEqualTo("Timeout exceeded");
    assertThat(done.getExitCode()).isEqualTo(-1);
    assertThat(alive(rootPid("slow/task-0"))).isFalse();
  }

  @Test
  void busyLoopShowsCpuUsage() throws Exception {
    await(worker.runTask(shTask("busy", 0, 0, "while :; do :; done").build()));
    eventually(WAIT, "cpu usage above zero", () -> status("busy/task-0").getResourceUsage().getCpuMillicores() > 0);
    TaskStatus s = status("busy/task-0");
    assertThat(s.getResourceUsage().getProcessCount()).isPositive();
    assertThat(s.getResourceUsage().getMemoryMb()).isPositive();
    await(worker.killTask(Worker.KillTaskRequest.newBuilder().setTaskId("busy/task-0").setTermTimeoutMs(100).build()));
    assertThat(awaitEnd("busy/task-0").getState()).isEqualTo(TaskState.TASK_STATE_KILLED);
  }

  @Test
  void setupCommandRunsFirstWithBuildLogs() throws Exception {
    await(worker.runTask(shTask("setup", 0, 0, "cat prepared")
        .setEnvironment(EnvironmentConfig.newBuilder().addAllSetupCommand(List.of("sh", "-c",
            "echo preparing; echo ready > prepared"))).build()));
    TaskStatus done = awaitEnd("setup/task-0");
    assertThat(done.getState()).isEqualTo(TaskState.TASK_STATE_SUCCEEDED);
    assertThat(done.getBuildMetrics().getBuildFinishedMs()).isGreaterThanOrEqualTo(done.getBuildMetrics().getBuildStartedMs());
    Worker.FetchTaskLogsResponse logs = await(worker.fetchTaskLogs(Worker.FetchTaskLogsRequest.newBuilder()
        .setTaskId("setup/task-0").build()));
    assertThat(logs.getLogsList()).extracting(e -> e.getSource() + ":" + e.getData())
        .containsExactly("build:preparing", "stdout:ready");
  }

  @Test
  void failingSetupCommandFailsTheTask() throws Exception {
    await(worker.runTask(shTask("setupfail", 0, 0, "echo never")
        .setEnvironment(EnvironmentConfig.newBuilder().addAllSetupCommand(List.of("sh", "-c",
            "echo no deps >&2; exit 4"))).build()));
    TaskStatus done = awaitEnd("setupfail/task-0");
    assertThat(done.getState()).isEqualTo(TaskState.TASK_STATE_FAILED);
    assertThat(done.getError()).isEqualTo("setup command failed with exit code 4: no deps");
  }

  @Test
  void bundleTheControllerCannotProvideOrThatIsCorruptFailsTheTask() throws Exception {
    String missing = "a".repeat(64);
    await(worker.runTask(shTask("nobundle", 0, 0, "true").setBundleHash(missing).build()));
    TaskStatus done = awaitEnd("nobundle/task-0");
    assertThat(done.getState()).isEqualTo(TaskState.TASK_STATE_FAILED);
    assertThat(done.getError()).isEqualTo("cannot fetch bundle " + missing + " from the controller: no such bundle");

    String wrong = "b".repeat(64);
    controller.bundles.put(wrong, "not the bundle you hashed".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    await(worker.runTask(shTask("badbundle", 0, 0, "true").setBundleHash(wrong).build()));
    TaskStatus corrupt = awaitEnd("badbundle/task-0");
    assertThat(corrupt.getState()).isEqualTo(TaskState.TASK_STATE_FAILED);
    assertThat(corrupt.getError()).startsWith("bundle hash mismatch");
  }

  @Test
  void reportsAreRetriedUntilTheControllerAcknowledges() throws Exception {
    controller.reportsToRefuse.set(3);
    await(worker.runTask(shTask("retry", 0, 0, "echo hi").build()));
    eventually(WAIT, "the SUCCEEDED report delivered",
        () -> controller.states("retry/task-0", 0).contains(TaskState.TASK_STATE_SUCCEEDED));
    assertThat(controller.refusedReports.get()).isEqualTo(3);
    Controller.ReportTaskStateRequest last = controller.last("retry/task-0", 0);
    assertThat(last.getWorkerId()).isEqualTo("w1");
    assertThat(last.getJobId()).isEqualTo("retry");
    assertThat(last.getFinishedAtMs()).isPositive();
  }

  @Test
  void aReportTheControllerRejectsForGoodIsNotRetried() throws Exception {
    controller.refusal.set(GrpcStatus.NOT_FOUND); // e.g. the job was replaced meanwhile
    controller.reportsToRefuse.set(1_000);
    await(worker.runTask(shTask("gone", 0, 0, "true").build()));
    awaitEnd("gone/task-0");
    eventually(WAIT, "the final report refused", () -> controller.refusedReports.get() >= 3);
    int refused = controller.refusedReports.get();
    Thread.sleep(1_000); // retries would come every 100-400 ms
    assertThat(controller.refusedReports.get()).isEqualTo(refused);
  }

  @Test
  void aControllerThatDoesNotAnswerStillGetsAHeartbeatEveryTwoIntervals() throws Exception {
    controller.heartbeatsUnanswered = true;
    int before = controller.heartbeats.size();
    Thread.sleep(1_500); // 15 intervals of 100 ms: one every 200 ms while unanswered, not one in all
    int sent = controller.heartbeats.size() - before;
    assertThat(sent).isBetween(3, 10);
  }

  @Test
  void aStoppingWorkerRefusesNewTasksSoNoneOutlivesIt() throws Exception {
    // a task that ignores SIGTERM keeps the stop busy for its grace
    await(worker.runTask(shTask("stubborn", 0, 0, "trap '' TERM; while :; do sleep 0.1; done").build()));
    eventually(WAIT, "stubborn running", () -> controller.states("stubborn/task-0", 0)
        .contains(TaskState.TASK_STATE_RUNNING));

    Future<Void> stopping = node.stop();

    java.util.concurrent.atomic.AtomicInteger tries = new java.util.concurrent.atomic.AtomicInteger();
    List<RpcException> refusals = new java.util.concurrent.CopyOnWriteArrayList<>();
    eventually(WAIT, "RunTask refused while stopping", () -> {
      String late = "late" + tries.incrementAndGet();
      try {
        await(worker.runTask(shTask(late, 0, 0, "sleep 1000").build())); // accepted before the stop began
        return false;
      } catch (RpcException e) {
        refusals.add(e);
        return true;
      }
    });
    assertThat(refusals.get(0).status()).isEqualTo(GrpcStatus.UNAVAILABLE);
    assertThat(refusals.get(0).getMessage()).contains("w1 is stopping");
    await(stopping);
    String refused = "late" + tries.get() + "/task-0";
    assertThat(controller.states(refused, 0)).isEmpty();
  }

  @Test
  void healthCheckCountsRunningTasks() throws Exception {
    await(worker.runTask(shTask("h", 0, 0, "sleep 30").build()));
    awaitState("h/task-0", TaskState.TASK_STATE_RUNNING);
    Worker.HealthResponse health = await(worker.healthCheck(Empty.getDefaultInstance()));
    assertThat(health.getHealthy()).isTrue();
    assertThat(health.getRunningTasks()).isEqualTo(1);
    assertThat(health.getUptimeMs()).isPositive();
    assertThat(await(worker.listTasks(Worker.ListTasksRequest.getDefaultInstance())).getTasksList())
        .extracting(TaskStatus::getTaskId).containsExactly("h/task-0");
  }

  // ---------------------------------------------------------------- helpers

  private static Worker.FetchLogsFilter.Builder filter() {
    return Worker.FetchLogsFilter.newBuilder();
  }

  private List<String> logData(String taskId, Worker.FetchLogsFilter filter) throws Exception {
    return await(worker.fetchTaskLogs(Worker.FetchTaskLogsRequest.newBuilder().setTaskId(taskId).setFilter(filter)
        .build())).getLogsList().stream().map(Worker.LogEntry::getData).toList();
  }

  private long rootPid(String taskId) throws Exception {
    eventually(WAIT, "the root pid of " + taskId,
        () -> !logData(taskId, filter().setRegex("^root ").build()).isEmpty());
    return Long.parseLong(logData(taskId, filter().setRegex("^root ").build()).get(0).substring(5));
  }

  private TaskStatus status(String taskId) throws Exception {
    return await(worker.getTaskStatus(Worker.GetTaskStatusRequest.newBuilder().setTaskId(taskId).build()));
  }

  private void awaitState(String taskId, TaskState state) throws Exception {
    eventually(WAIT, taskId + " " + state, () -> status(taskId).getState() == state);
  }

  private TaskStatus awaitEnd(String taskId) throws Exception {
    eventually(WAIT, taskId + " to end", () -> ProtoStates.isFinished(status(taskId).getState()));
    return status(taskId);
  }

  private static void expect(Supplier<Future<?>> call, GrpcStatus status, String message) {
    assertThatThrownBy(() -> await(call.get())).isInstanceOfSatisfying(RpcException.class, e -> {
      assertThat(e.status()).isEqualTo(status);
      assertThat(e.getMessage()).contains(message);
    });
  }
}
