package dev.iris.worker;

import static dev.iris.worker.WorkerTesting.alive;
import static dev.iris.worker.WorkerTesting.await;
import static dev.iris.worker.WorkerTesting.eventually;
import static dev.iris.worker.WorkerTesting.shTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iris.common.RpcException;
import dev.iris.core.Lease;
import dev.iris.link.EventBusWorkerLink;
import dev.iris.node.WorkerNode;
import dev.iris.rpc.TaskState;
import dev.iris.rpc.TaskStatus;
import dev.iris.rpc.Worker;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker under a lease against a stub controller whose link can be cut: real processes ({@code sleep 600}) keep
 * running while heartbeats are acknowledged, are dead when the lease runs out once the link is cut, and are reported
 * fenced (WORKER_FAILED) when the controller answers again, which also lets the worker take tasks again.
 */
class WorkerFencingTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  /** Fencing begins 450 ms before the end: a 300 ms grace and 150 ms of slack. */
  private static final Lease LEASE = new Lease(1_500);
  @TempDir Path workDir;
  @TempDir Path pids;
  private Vertx vertx;
  private StubController controller;
  private WorkerNode node;
  private EventBusWorkerLink worker;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    controller = new StubController();
    controller.leaseMs = LEASE.lengthMs();
    node = await(WorkerNode.start(vertx, WorkerConfig.defaults("w1", workDir).withCapacity(4, 1L << 30, 1L << 30),
        controller));
    await(node.registered());
    worker = new EventBusWorkerLink(vertx.eventBus(), "w1", 10_000);
  }

  @AfterEach
  void stop() throws Exception {
    controller.cut = false;
    await(node.stop());
    await(vertx.close());
  }

  private long sleeper(String job) throws Exception {
    Path pidFile = pids.resolve(job);
    await(worker.runTask(shTask(job, 0, 0, "echo $$ > " + pidFile + "; exec sleep 600").build()));
    eventually(WAIT, "the pid of " + job, () -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
    long pid = Long.parseLong(Files.readString(pidFile).trim());
    eventually(WAIT, job + " running", () -> status(job + "/task-0").getState() == TaskState.TASK_STATE_RUNNING);
    return pid;
  }

  @Test
  void nothingIsKilledWhileHeartbeatsAreAcknowledged() throws Exception {
    long pid = sleeper("kept");
    Thread.sleep(3 * LEASE.lengthMs());
    assertThat(alive(pid)).isTrue();
    assertThat(status("kept/task-0").getState()).isEqualTo(TaskState.TASK_STATE_RUNNING);
  }

  @Test
  void attemptsAreDeadWhenTheLeaseRunsOutAndReportedFencedAfterReconnecting() throws Exception {
    long pid = sleeper("cut");
    long cutAt = System.nanoTime();
    controller.cut = true; // the last heartbeat acknowledged was sent before this instant: the lease ends within 1.5 s
    eventually(WAIT, "the task's process to die", () -> !alive(pid));
    long deadAfterMs = (System.nanoTime() - cutAt) / 1_000_000;
    assertThat(deadAfterMs).as("dead by the end of the lease (and some polling)")
        .isLessThanOrEqualTo(LEASE.lengthMs() + 150);
    assertThat(deadAfterMs).as("not before fencing was due: a heartbeat interval before the cut, at most")
        .isGreaterThanOrEqualTo(LEASE.lengthMs() - LEASE.fenceLeadMs() - controller.heartbeatIntervalMs - 50);
    eventually(WAIT, "the attempt to end", () -> status("cut/task-0").getState() == TaskState.TASK_STATE_WORKER_FAILED);
    assertThat(status("cut/task-0").getError()).contains("fenced", "lease of 1.5 s");

    // without a lease, no task is taken
    assertThatThrownBy(() -> await(worker.runTask(shTask("refused", 0, 0, "true").build())))
        .isInstanceOfSatisfying(RpcException.class, e -> {
          assertThat(e.status()).isEqualTo(GrpcStatus.FAILED_PRECONDITION);
          assertThat(e.getMessage()).contains("holds no lease");
        });

    controller.cut = false;
    eventually(WAIT, "the fenced attempt reported", () -> controller.states("cut/task-0", 0)
        .contains(TaskState.TASK_STATE_WORKER_FAILED));
    assertThat(controller.last("cut/task-0", 0).getError()).contains("fenced");
    eventually(WAIT, "a heartbeat listing it ended", () -> controller.heartbeats.stream().anyMatch(h ->
        h.getTasksList().stream().anyMatch(t -> t.getTaskId().equals("cut/task-0")
            && t.getState() == TaskState.TASK_STATE_WORKER_FAILED)));
    eventually(WAIT, "tasks taken again", () -> {
      await(worker.runTask(shTask("again", 0, 0, "true").build()));
      return true;
    });
  }

  @Test
  void aControllerThatGrantsNoLeaseNeverFences() throws Exception {
    controller.leaseMs = 0;
    Thread.sleep(3 * controller.heartbeatIntervalMs); // a heartbeat answered without a lease
    long pid = sleeper("nolease");
    controller.cut = true;
    Thread.sleep(2 * LEASE.lengthMs());
    assertThat(alive(pid)).isTrue();
    assertThat(status("nolease/task-0").getState()).isEqualTo(TaskState.TASK_STATE_RUNNING);
  }

  private TaskStatus status(String taskId) throws Exception {
    return await(worker.getTaskStatus(Worker.GetTaskStatusRequest.newBuilder().setTaskId(taskId).build()));
  }
}
