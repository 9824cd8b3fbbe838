package dev.iris.controller;

import static dev.iris.controller.ControllerGrpcTest.await;
import static dev.iris.controller.ControllerGrpcTest.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iris.common.RpcException;
import dev.iris.link.GrpcControllerLink;
import dev.iris.rpc.Controller;
import dev.iris.rpc.JobState;
import dev.iris.rpc.TaskState;
import dev.iris.rpc.TaskStatus;
import dev.iris.rpc.WorkerMetadata;
import dev.iris.rpc.WorkerTaskEntry;
import dev.iris.rpc.WorkerHealthStatus;
import io.vertx.core.Future;
import io.vertx.grpc.common.GrpcStatus;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A worker id belongs to the token that registered it: another worker token may not register under it,
 * heartbeat for it or report its attempts, and a report it forges for an attempt of another worker changes
 * nothing. That holds as well for a worker that registered with the admin token (as workers do that read the
 * cluster's {@code ~/.iris/token}).
 */
class WorkerIdentityGrpcTest {
  private AuthCluster cluster;
  private GrpcControllerLink beta;

  @BeforeEach
  void start() throws Exception {
    cluster = new AuthCluster();
    beta = cluster.as(AuthCluster.BETA);
  }

  @AfterEach
  void stop() throws Exception {
    cluster.close();
  }

  /** The victim worker registered with alpha's worker token, or with the admin token. */
  @ParameterizedTest(name = "a worker registered with the {0} token")
  @ValueSource(strings = {"worker", "admin"})
  void anotherWorkerTokenCannotSpeakForAWorkerIdItDidNotRegister(String registeredWith) throws Exception {
    String token = registeredWith.equals("admin") ? AuthCluster.ADMIN : AuthCluster.ALPHA;
    FakeWorker victim = await(new FakeWorker(cluster.vertx, cluster.as(token), "victim", 8, Map.of())
        .outcome(r -> null).start());
    await(cluster.as(AuthCluster.ALICE).launchJob(AuthCluster.job("alice-job", "", Map.of())));
    eventually(() -> cluster.status("alice-job").getTasksRunning() == 1);
    int attempt = victim.runs.get(0).getAttemptId();
    Controller.ReportTaskStateRequest forged = Controller.ReportTaskStateRequest.newBuilder().setWorkerId("victim")
        .setTaskId("alice-job/task-0").setJobId("alice-job").setAttemptId(attempt)
        .setState(TaskState.TASK_STATE_SUCCEEDED).build();

    String refusal = "worker id 'victim' was registered by another token; worker 'beta' may not speak for it";
    denied(() -> beta.registerWorker(Controller.RegisterWorkerRequest.newBuilder().setWorkerId("victim")
        .setAddress("10.6.6.6:10001").setMetadata(WorkerMetadata.newBuilder().setCpuCount(64)).build()), refusal);
    denied(() -> beta.heartbeat(Controller.HeartbeatRequest.newBuilder().setWorkerId("victim").build()), refusal);
    denied(() -> beta.reportTaskState(forged), refusal);
    denied(() -> beta.reportTaskStates(Controller.ReportTaskStatesRequest.newBuilder().setWorkerId("victim")
        .addReports(forged).build()), refusal);
    // under its own worker id, beta's report of the same attempt is stale: that attempt is not its own
    await(beta.registerWorker(Controller.RegisterWorkerRequest.newBuilder().setWorkerId("beta-1")
        .setAddress("bus://beta-1").setMetadata(WorkerMetadata.newBuilder().setCpuCount(0)).build()));
    await(beta.reportTaskState(forged.toBuilder().setWorkerId("beta-1").build()));
    await(beta.heartbeat(Controller.HeartbeatRequest.newBuilder().setWorkerId("beta-1").addTasks(WorkerTaskEntry
        .newBuilder().setTaskId("alice-job/task-0").setAttemptId(attempt).setState(TaskState.TASK_STATE_SUCCEEDED))
        .build()));

    Thread.sleep(300); // the victim heartbeats meanwhile
    assertThat(cluster.status("alice-job").getState()).isEqualTo(JobState.JOB_STATE_RUNNING);
    TaskStatus task = await(cluster.as(AuthCluster.ADMIN).getTaskStatus(Controller.GetTaskStatusRequest.newBuilder()
        .setJobId("alice-job").setTaskIndex(0).build())).getTask();
    assertThat(task.getState()).isEqualTo(TaskState.TASK_STATE_RUNNING);
    assertThat(task.getWorkerId()).isEqualTo("victim");
    List<WorkerHealthStatus> workers = await(cluster.as(AuthCluster.ADMIN).listWorkers(
        Controller.ListWorkersRequest.getDefaultInstance())).getWorkersList();
    assertThat(workers).filteredOn(w -> w.getWorkerId().equals("victim")).singleElement()
        .satisfies(w -> assertThat(w.getAddress()).isEqualTo("bus://victim"));
    // the token that registered it, and the admin, still speak for it
    await(cluster.as(token).heartbeat(Controller.HeartbeatRequest.newBuilder().setWorkerId("victim")
        .addAllTasks(victim.attempts.values()).build()));
    await(cluster.as(AuthCluster.ADMIN).heartbeat(Controller.HeartbeatRequest.newBuilder().setWorkerId("victim")
        .addAllTasks(victim.attempts.values()).build()));
    assertThat(cluster.logLines()).noneMatch(l -> l.startsWith("ERROR") || l.startsWith("WARN"));
    await(victim.stop());
  }

  /**
   * Two live workers, one id: the second (another process at another address) is refused with ALREADY_EXISTS
   * and a message naming the id, the holder's address and what to do, whichever token it bears that may
   * speak for the id; another worker token is refused first by the identity binding. Once the holder is lost
   * (nothing listens at its address: the probe of its silence finds it dead), the id is free again.
   */
  @Test
  void aSecondLiveWorkerClaimingAnIdIsRefusedUntilTheFirstIsLost() throws Exception {
    GrpcControllerLink alpha = cluster.as(AuthCluster.ALPHA);
    await(alpha.registerWorker(twin("127.0.0.1:1", "first"))); // port 1: nothing listens there

    for (GrpcControllerLink claimant : List.of(alpha, cluster.as(AuthCluster.ADMIN))) {
      assertThatThrownBy(() -> await(claimant.registerWorker(twin("127.0.0.1:2", "second"))))
          .isInstanceOfSatisfying(RpcException.class, e -> {
            assertThat(e.status()).as(e.getMessage()).isEqualTo(GrpcStatus.ALREADY_EXISTS);
            assertThat(e.getMessage()).matches("worker id 'twin' is held by a live worker at 127\\.0\\.0\\.1:1 "
                + "\\(heard from \\d+ ms ago\\); the worker at 127\\.0\\.0\\.1:2 may not register under it: give one "
                + "of them another --worker-id \\(or its own --work-dir\\), or stop the other; the id is free once "
                + "that worker is known dead, or the controller has not heard from it for 5000 ms");
          });
    }
    denied(() -> beta.registerWorker(twin("127.0.0.1:3", "third")),
        "worker id 'twin' was registered by another token; worker 'beta' may not speak for it");
    List<WorkerHealthStatus> workers = await(cluster.as(AuthCluster.ADMIN).listWorkers(
        Controller.ListWorkersRequest.getDefaultInstance())).getWorkersList();
    assertThat(workers).singleElement().satisfies(w -> {
      assertThat(w.getWorkerId()).isEqualTo("twin");
      assertThat(w.getAddress()).isEqualTo("127.0.0.1:1");
    });
    assertThat(cluster.logLines()).filteredOn(l -> l.startsWith("WARN")).hasSize(2).allSatisfy(l -> assertThat(l)
        .startsWith("WARN dev.iris.controller.api.ControllerServiceImpl refused a registration: worker id 'twin' is held by a live worker"));

    eventually(() -> { // silent for 1.5 s, probed, connection refused: lost; then the claim succeeds
      try {
        await(alpha.registerWorker(twin("127.0.0.1:2", "second")));
        return true;
      } catch (RpcException e) {
        assertThat(e.status()).isEqualTo(GrpcStatus.ALREADY_EXISTS);
        return false;
      }
    });
    assertThat(await(cluster.as(AuthCluster.ADMIN).listWorkers(Controller.ListWorkersRequest.getDefaultInstance()))
        .getWorkersList()).singleElement().satisfies(w -> assertThat(w.getAddress()).isEqualTo("127.0.0.1:2"));
  }

  private static Controller.RegisterWorkerRequest twin(String address, String incarnation) {
    return Controller.RegisterWorkerRequest.newBuilder().setWorkerId("twin").setAddress(address)
        .setIncarnation(incarnation).setMetadata(WorkerMetadata.newBuilder().setCpuCount(2)).build();
  }

  private void denied(Callable<Future<?>> call, String message) {
    assertThatThrownBy(() -> await(call.call())).isInstanceOfSatisfying(RpcException.class, e -> {
      assertThat(e.status()).as(e.getMessage()).isEqualTo(GrpcStatus.PERMISSION_DENIED);
      assertThat(e.getMessage()).isEqualTo(message);
    });
  }
}
