package dev.iris.controller;

import static dev.iris.controller.ControllerGrpcTest.await;
import static dev.iris.controller.ControllerGrpcTest.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iris.common.RpcException;
import dev.iris.link.GrpcControllerLink;
import dev.iris.rpc.Controller;
import dev.iris.rpc.JobState;
import io.vertx.core.Future;
import io.vertx.grpc.common.GrpcStatus;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A task token lives as long as its job, and a job id stays its owner's: a finished job is not taken over by
 * another user launching a job of the same id, and a task token never works on another user's job that
 * took over the id.
 */
class JobOwnershipGrpcTest {
  private AuthCluster cluster;
  private GrpcControllerLink alice;
  private GrpcControllerLink bob;

  @BeforeEach
  void start() throws Exception {
    cluster = new AuthCluster();
    await(new FakeWorker(cluster.vertx, cluster.as(AuthCluster.ALPHA), "w-alpha", 64, Map.of()).outcome(r -> null)
        .start());
    alice = cluster.as(AuthCluster.ALICE);
    bob = cluster.as(AuthCluster.BOB);
  }

  @AfterEach
  void stop() throws Exception {
    cluster.close();
  }

  @Test
  void aTaskTokenWorksWhileItsJobRunsAndExpiresWhenItEnds() throws Exception {
    await(alice.launchJob(AuthCluster.job("train", "", Map.of())));
    eventually(() -> cluster.status("train").getTasksRunning() == 1);
    GrpcControllerLink task = cluster.as(cluster.taskToken("train", "alice"));
    String child = await(task.launchJob(AuthCluster.job("step", "train", Map.of()))).getJobId();
    assertThat(child).isEqualTo("train/step");
    assertThat(cluster.status(child).getUser()).isEqualTo("alice");
    assertThat(await(task.getJobStatus(status("train"))).getJob().getJobId()).isEqualTo("train");

    await(alice.terminateJob(Controller.TerminateJobRequest.newBuilder().setJobId("train").build()));

    expired(() -> task.getJobStatus(status("train")), "train");
    expired(() -> task.launchJob(AuthCluster.job("late", "train", Map.of())), "train");
    expired(() -> task.listEndpoints(Controller.ListEndpointsRequest.getDefaultInstance()), "train");
    assertThat(cluster.logLines()).noneMatch(l -> l.startsWith("ERROR") || l.startsWith("WARN"));
  }

  @Test
  void anotherUserCannotTakeOverTheIdOfAFinishedJob() throws Exception {
    await(alice.launchJob(AuthCluster.job("nightly", "", Map.of("SECRET", "alice-value"))));
    await(alice.launchJob(AuthCluster.job("step", "nightly", Map.of())));
    await(alice.terminateJob(Controller.TerminateJobRequest.newBuilder().setJobId("nightly").build()));
    eventually(() -> cluster.status("nightly").getState() == JobState.JOB_STATE_KILLED);

    refused(() -> bob.launchJob(AuthCluster.job("nightly", "", Map.of())), GrpcStatus.PERMISSION_DENIED,
        "user 'bob' may not reuse the id of job 'nightly': it belongs to 'alice'");

    assertThat(cluster.status("nightly").getUser()).isEqualTo("alice");
    assertThat(cluster.status("nightly").getState()).isEqualTo(JobState.JOB_STATE_KILLED);
    assertThat(cluster.status("nightly/step").getUser()).isEqualTo("alice");
    // its owner may run it again, and so may an admin
    await(alice.launchJob(AuthCluster.job("nightly", "", Map.of())));
    await(alice.terminateJob(Controller.TerminateJobRequest.newBuilder().setJobId("nightly").build()));
    await(cluster.as(AuthCluster.ADMIN).launchJob(AuthCluster.job("nightly", "", Map.of())));
    assertThat(cluster.status("nightly").getUser()).isEqualTo("admin");
    assertThat(cluster.logLines()).noneMatch(l -> l.startsWith("ERROR") || l.startsWith("WARN"));
  }

  @Test
  void aTaskTokenNeverActsOnAnotherUsersJobOfTheSameId() throws Exception {
    await(alice.launchJob(AuthCluster.job("shared-name", "", Map.of())));
    GrpcControllerLink oldTask = cluster.as(cluster.taskToken("shared-name", "alice"));
    await(alice.terminateJob(Controller.TerminateJobRequest.newBuilder().setJobId("shared-name").build()));
    // an admin runs a job of that id again: it is the admin's, not alice's
    await(cluster.as(AuthCluster.ADMIN).launchJob(AuthCluster.job("shared-name", "", Map.of("SECRET", "admin-value"))));
    eventually(() -> cluster.status("shared-name").getTasksRunning() == 1);

    expired(() -> oldTask.getJobStatus(status("shared-name")), "shared-name");
    expired(() -> oldTask.terminateJob(Controller.TerminateJobRequest.newBuilder().setJobId("shared-name").build()),
        "shared-name");
    expired(() -> oldTask.launchJob(AuthCluster.job("child", "shared-name", Map.of())), "shared-name");
    assertThat(cluster.status("shared-name").getState()).isEqualTo(JobState.JOB_STATE_RUNNING);
  }

  @Test
  void anEndpointIsNamedUnderTheRootJobItIsRegisteredFor() throws Exception {
    await(alice.launchJob(AuthCluster.job("alice-job", "", Map.of())));
    await(bob.launchJob(AuthCluster.job("bob-job", "", Map.of())));
    eventually(() -> cluster.status("alice-job").getTasksRunning() == 1
        && cluster.status("bob-job").getTasksRunning() == 1);
    GrpcControllerLink bobsTask = cluster.as(cluster.taskToken("bob-job", "bob"));

    // bob, or his task, may register endpoints for his job, but not under the name of alice's job, where
    // alice's tasks look theirs up
    for (GrpcControllerLink squatter : java.util.List.of(bob, bobsTask)) {
      refused(() -> squatter.registerEndpoint(endpoint("alice-job/svc", "bob-job")), GrpcStatus.INVALID_ARGUMENT,
          "endpoint name 'alice-job/svc' must start with 'bob-job/', the root job of job 'bob-job'");
    }
    await(bobsTask.registerEndpoint(endpoint("bob-job/svc", "bob-job")));
    await(cluster.as(cluster.taskToken("alice-job", "alice")).registerEndpoint(endpoint("alice-job/svc", "alice-job")));
    assertThat(await(bobsTask.lookupEndpoint(Controller.LookupEndpointRequest.newBuilder().setName("alice-job/svc")
        .build())).getEndpoint().getJobId()).isEqualTo("alice-job");
  }

  // ---------------------------------------------------------------- helpers

  private static Controller.RegisterEndpointRequest endpoint(String name, String job) {
    return Controller.RegisterEndpointRequest.newBuilder().setName(name).setAddress("10.0.0.1:8080").setJobId(job)
        .build();
  }

  private static Controller.GetJobStatusRequest status(String job) {
    return Controller.GetJobStatusRequest.newBuilder().setJobId(job).build();
  }

  private void expired(Callable<Future<?>> call, String job) {
    refused(call, GrpcStatus.UNAUTHENTICATED, "the task token of job '" + job + "' has expired: the job has finished");
  }

  private void refused(Callable<Future<?>> call, GrpcStatus status, String message) {
    assertThatThrownBy(() -> await(call.call())).isInstanceOfSatisfying(RpcException.class, e -> {
      assertThat(e.status()).as(e.getMessage()).isEqualTo(status);
      assertThat(e.getMessage()).startsWith(message);
      cluster.tokens().forEach(t -> assertThat(e.getMessage()).doesNotContain(t));
    });
  }
}
