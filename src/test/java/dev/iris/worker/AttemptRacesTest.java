package dev.iris.worker;

import static dev.iris.worker.WorkerTesting.await;
import static dev.iris.worker.WorkerTesting.eventually;
import static dev.iris.worker.WorkerTesting.shTask;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.common.ProtoStates;
import dev.iris.link.EventBusWorkerLink;
import dev.iris.rpc.Controller;
import dev.iris.rpc.TaskState;
import dev.iris.rpc.TaskStatus;
import dev.iris.rpc.Worker;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker's shell carrying the attempt lifecycle out, on a scripted runtime: each race is played in a
 * fixed order (exit, kill, tree gone, a newer attempt, a start that is slow or fails) through the real
 * WorkerService, and ends in one terminal state with one final report.
 */
class AttemptRacesTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String TASK = "job-1/task-0";
  @TempDir Path workDir;
  private Vertx vertx;
  private StubController controller;
  private ScriptedRuntime runtime;
  private EventBusWorkerLink worker;
  private String deployment;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    controller = new StubController();
    runtime = new ScriptedRuntime();
    WorkerVerticle verticle = new WorkerVerticle(WorkerConfig.defaults("w1", workDir)
        .withCapacity(4, 1L << 30, 1L << 30), controller, Clock.systemUTC(), runtime);
    deployment = await(vertx.deployVerticle(verticle));
    await(verticle.registered());
    worker = new EventBusWorkerLink(vertx.eventBus(), "w1", 10_000);
  }

  @AfterEach
  void stop() throws Exception {
    runtime.releaseStarts();
    runtime.started.forEach(p -> {
      p.exit(143);
      p.gone();
    });
    await(vertx.undeploy(deployment));
    await(vertx.close());
  }

  @Test
  void aKillEndsKilledOnlyOnceTheWholeTreeIsGone() throws Exception {
    run(0);
    ScriptedRuntime.Process p = awaitStarted(1);
    awaitState(0, TaskState.TASK_STATE_RUNNING);
    kill(0, 700);
    eventually(WAIT, "the kill sent", () -> p.kills.equals(List.of(Duration.ofMillis(700))));
    p.exit(143);
    // the root is gone but a descendant may live: the attempt is not over
    assertThat(status().getState()).isEqualTo(TaskState.TASK_STATE_RUNNING);
    p.gone();
    awaitState(0, TaskState.TASK_STATE_KILLED);
    assertThat(status().getExitCode()).isEqualTo(143);
    assertThat(status().getError()).isEqualTo("Killed by request");
    assertOneFinalReport(0, TaskState.TASK_STATE_KILLED);
  }

  @Test
  void anExitBeforeTheKillKeepsItsOutcome() throws Exception {
    run(0);
    ScriptedRuntime.Process p = awaitStarted(1);
    p.exit(0);
    awaitState(0, TaskState.TASK_STATE_SUCCEEDED);
    kill(0, 700);
    assertThat(status().getState()).isEqualTo(TaskState.TASK_STATE_SUCCEEDED);
    assertThat(p.kills).doesNotContain(Duration.ofMillis(700));
    assertOneFinalReport(0, TaskState.TASK_STATE_SUCCEEDED);
  }

  @Test
  void aKillWhileTheCommandStartsKillsItAsSoonAsItRuns() throws Exception {
    runtime.holdStarts();
    run(0);
    awaitState(0, TaskState.TASK_STATE_BUILDING);
    kill(0, 300);
    runtime.releaseStarts();
    ScriptedRuntime.Process p = awaitStarted(1);
    eventually(WAIT, "the kill sent on start", () -> p.kills.equals(List.of(Duration.ofMillis(300))));
    p.exit(143);
    p.gone();
    awaitState(0, TaskState.TASK_STATE_KILLED);
    assertThat(controller.states(TASK, 0)).doesNotContain(TaskState.TASK_STATE_RUNNING);
    assertOneFinalReport(0, TaskState.TASK_STATE_KILLED);
  }

  @Test
  void aNewerAttemptStartsOnlyOnceTheOlderOneIsGone() throws Exception {
    run(0);
    ScriptedRuntime.Process first = awaitStarted(1);
    run(1);
    eventually(WAIT, "the older attempt told to die", () -> first.kills.equals(
        List.of(Duration.ofMillis(WorkerServiceImpl.SUPERSEDE_GRACE.toMillis()))));
    first.exit(143);
    assertThat(runtime.started).hasSize(1); // its tree may still live: the newer attempt waits
    first.gone();
    ScriptedRuntime.Process second = awaitStarted(2);
    awaitState(1, TaskState.TASK_STATE_RUNNING);
    assertThat(controller.last(TASK, 0).getError()).isEqualTo("Superseded by attempt 1");
    assertOneFinalReport(0, TaskState.TASK_STATE_KILLED);
    second.exit(0);
    awaitState(1, TaskState.TASK_STATE_SUCCEEDED);
    assertOneFinalReport(1, TaskState.TASK_STATE_SUCCEEDED);
  }

  @Test
  void aCommandThatCannotStartFailsWithItsMessage() throws Exception {
    runtime.failStarts("cannot start 'nosuch': No such file or directory");
    run(0);
    awaitState(0, TaskState.TASK_STATE_FAILED);
    assertThat(status().getExitCode()).isEqualTo(-1);
    assertThat(status().getError()).isEqualTo("cannot start 'nosuch': No such file or directory");
    assertOneFinalReport(0, TaskState.TASK_STATE_FAILED);
  }

  @Test
  void aFailedExitCarriesTheLastStderrLine() throws Exception {
    run(0);
    ScriptedRuntime.Process p = awaitStarted(1);
    p.sink.accept("stderr", "first complaint");
    p.sink.accept("stdout", "noise");
    p.sink.accept("stderr", "disk quota exceeded");
    p.exit(3);
    awaitState(0, TaskState.TASK_STATE_FAILED);
    assertThat(status().getError()).isEqualTo("Exit code: 3: disk quota exceeded");
    assertOneFinalReport(0, TaskState.TASK_STATE_FAILED);
  }

  // ---------------------------------------------------------------- helpers

  private void run(int attempt) throws Exception {
    await(worker.runTask(shTask("job-1", 0, attempt, "scripted").build()));
  }

  private void kill(int attempt, int graceMs) throws Exception {
    await(worker.killTask(Worker.KillTaskRequest.newBuilder().setTaskId(TASK).setAttemptId(attempt)
        .setTermTimeoutMs(graceMs).build()));
  }

  private ScriptedRuntime.Process awaitStarted(int count) throws Exception {
    eventually(WAIT, count + " processes started", () -> runtime.started.size() >= count);
    return runtime.started.get(count - 1);
  }

  private TaskStatus status() throws Exception {
    return await(worker.getTaskStatus(Worker.GetTaskStatusRequest.newBuilder().setTaskId(TASK).build()));
  }

  private void awaitState(int attempt, TaskState state) throws Exception {
    eventually(WAIT, "attempt " + attempt + " " + state, () -> {
      Controller.ReportTaskStateRequest last = controller.last(TASK, attempt);
      return last != null && last.getState() == state;
    });
  }

  /** Exactly one terminal report of the attempt, and it is the last. */
  private void assertOneFinalReport(int attempt, TaskState state) {
    List<TaskState> states = controller.states(TASK, attempt);
    assertThat(states.stream().filter(ProtoStates::isFinished)).containsExactly(state);
    assertThat(states.get(states.size() - 1)).isEqualTo(state);
  }
}
