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

  private void denied(Callable<Future<?>> call, String message) {
    assertThatThrownBy(() -> await(call.call())).isInstanceOfSatisfying(RpcException.class, e -> {
      assertThat(e.status()).as(e.getMessage()).isEqualTo(GrpcStatus.PERMISSION_DENIED);
      assertThat(e.getMessage()).isEqualTo(message);
    });
  }
}
