package dev.iris.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iris.common.RpcException;
import dev.iris.controller.api.ControllerServerVerticle;
import dev.iris.controller.api.LaunchRequests;
import dev.iris.controller.state.StoreConfig;
import dev.iris.link.EventBusControllerLink;
import dev.iris.link.GrpcControllerLink;
import dev.iris.node.ControllerNode;
import dev.iris.rpc.ClusterEvent;
import dev.iris.rpc.CommandEntrypoint;
import dev.iris.rpc.Controller;
import dev.iris.rpc.EventKind;
import dev.iris.rpc.JobState;
import dev.iris.rpc.JobStatus;
import dev.iris.rpc.ResourceSpecProto;
import dev.iris.rpc.TaskState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The controller's verticles over real gRPC, with fake workers on the event bus. */
class ControllerGrpcTest {
  private Vertx vertx;
  private ControllerNode node;
  private GrpcClient grpc;
  private GrpcControllerLink api;
  private EventBusControllerLink bus;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    var config = ControllerNode.Config.defaults("127.0.0.1", 0).withStore(new StoreConfig(600, StoreConfig.DEFAULT_START_CAPACITY, 1_000, 10_000));
    node = await(ControllerNode.start(vertx, config, Clock.systemUTC()));
    grpc = GrpcClient.client(vertx);
    api = new GrpcControllerLink(grpc, SocketAddress.inetSocketAddress(node.port(), "127.0.0.1"), 5_000);
    bus = new EventBusControllerLink(vertx.eventBus(), 5_000);
  }

  @AfterEach
  void stop() throws Exception {
    await(node.stop());
    await(vertx.close());
  }

  @Test
  void multiReplicaJobRunsOnWorkersAndSucceeds() throws Exception {
    FakeWorker w1 = await(new FakeWorker(vertx, bus, "w1", 2, Map.of()).start());
    FakeWorker w2 = await(new FakeWorker(vertx, bus, "w2", 2, Map.of()).start());
    String id = await(api.launchJob(launch("hello", 4, 1))).getJobId();
    assertThat(id).isEqualTo("hello");
    JobStatus done = waitForJob(id, JobState.JOB_STATE_SUCCEEDED);
    assertThat(done.getNumTasks()).isEqualTo(4);
    assertThat(done.getTasksSucceeded()).isEqualTo(4);
    assertThat(w1.runs.size() + w2.runs.size()).isEqualTo(4);
    assertThat(w1.runs).isNotEmpty();
    assertThat(w2.runs).isNotEmpty();
    JobStatus withTasks = await(api.getJobStatus(Controller.GetJobStatusRequest.newBuilder().setJobId(id)
        .setIncludeTasks(true).build())).getJob();
    assertThat(withTasks.getTasksList()).extracting(t -> t.getTaskId())
        .containsExactly("hello/task-0", "hello/task-1", "hello/task-2", "hello/task-3");
    assertThat(withTasks.getTasksList()).allMatch(t -> t.getState() == TaskState.TASK_STATE_SUCCEEDED);
  }

  @Test
  void failingTaskFailsTheJobAndKillsTheRest() throws Exception {
    FakeWorker w = await(new FakeWorker(vertx, bus, "w1", 8, Map.of())
        .outcome(r -> r.getTaskIndex() == 1 ? TaskState.TASK_STATE_FAILED : null).start());
    String id = await(api.launchJob(launch("fd", 3, 1))).getJobId();
    JobStatus failed = waitForJob(id, JobState.JOB_STATE_FAILED);
    assertThat(failed.getTasksFailed()).isEqualTo(1);
    assertThat(failed.getTasksKilled()).isEqualTo(2);
    assertThat(failed.getError()).contains("task-1").contains("Exit code: 1");
    eventually(() -> w.kills.size() == 2);
    JobStatus after = waitForJob(id, JobState.JOB_STATE_FAILED);
    assertThat(after.getTasksPending() + after.getTasksRunning() + after.getTasksAssigned()).isZero();
  }

  @Test
  void oversizedTaskWaitsWithAReasonWhileSmallOnesRun() throws Exception {
    await(new FakeWorker(vertx, bus, "w1", 4, Map.of()).start());
    await(api.launchJob(launch("big", 1, 64)));
    String small = await(api.launchJob(launch("small", 2, 1))).getJobId();
    waitForJob(small, JobState.JOB_STATE_SUCCEEDED);
    eventually(() -> status("big").getPendingReason().contains("64 cpu"));
    assertThat(status("big").getState()).isEqualTo(JobState.JOB_STATE_PENDING);
  }

  @Test
  void lostWorkerTasksRerunElsewhere() throws Exception {
    FakeWorker doomed = await(new FakeWorker(vertx, bus, "doomed", 1, Map.of()).outcome(r -> null).start());
    String id = await(api.launchJob(launch("survivor", 1, 1))).getJobId();
    eventually(() -> doomed.runs.size() == 1);
    doomed.stopHeartbeats();
    await(new FakeWorker(vertx, bus, "healthy", 1, Map.of()).start());
    JobStatus done = waitForJob(id, JobState.JOB_STATE_SUCCEEDED);
    assertThat(done.getPreemptionCount()).isEqualTo(1);
    assertThat(done.getFailureCount()).isZero();
  }

  @Test
  void undeliverableTaskReturnsToPendingWithoutUsingABudget() throws Exception {
    // registered but serving nothing: every RunTask to it fails
    await(bus.registerWorker(Controller.RegisterWorkerRequest.newBuilder().setWorkerId("ghost")
        .setAddress("bus://ghost").setMetadata(dev.iris.rpc.WorkerMetadata.newBuilder().setCpuCount(4)
            .setMemoryBytes(1L << 34)).build()));
    String id = await(api.launchJob(launch("undelivered", 1, 1))).getJobId();
    // the ghost is found out (suspect, and lost later: on a slow machine the poll may see only the latter)
    eventually(() -> await(api.listWorkers(Controller.ListWorkersRequest.getDefaultInstance()))
        .getWorkersList().stream().noneMatch(w -> w.getWorkerId().equals("ghost") && w.getHealthy()));
    eventually(() -> await(api.getJobStatus(Controller.GetJobStatusRequest.newBuilder().setJobId(id)
        .setIncludeTasks(true).build())).getJob().getTasks(0).getState() == TaskState.TASK_STATE_PENDING);
    JobStatus s = await(api.getJobStatus(Controller.GetJobStatusRequest.newBuilder().setJobId(id)
        .setIncludeTasks(true).build())).getJob();
    assertThat(s.getTasks(0).getState()).isEqualTo(TaskState.TASK_STATE_PENDING);
    assertThat(s.getPreemptionCount()).isZero();
    assertThat(s.getFailureCount()).isZero();
    assertThat(s.getTasks(0).getAttemptsCount()).isEqualTo(1);
    await(new FakeWorker(vertx, bus, "real", 4, Map.of()).start());
    waitForJob(id, JobState.JOB_STATE_SUCCEEDED);
  }

  @Test
  void badRequestsGetPreciseStatuses() throws Exception {
    expectStatus(() -> api.launchJob(launch("", 1, 1)), GrpcStatus.INVALID_ARGUMENT, "name must not be empty");
    expectStatus(() -> api.launchJob(launch("a/b", 1, 1)), GrpcStatus.INVALID_ARGUMENT, "must not contain '/'");
    expectStatus(() -> api.launchJob(launch("many", 10_001, 1)), GrpcStatus.INVALID_ARGUMENT, "replicas");
    expectStatus(() -> api.launchJob(launch("neg", 1, -2)), GrpcStatus.INVALID_ARGUMENT, "negative");
    expectStatus(() -> api.launchJob(Controller.LaunchJobRequest.newBuilder().setName("nocmd").build()),
        GrpcStatus.INVALID_ARGUMENT, "command");
    expectStatus(() -> api.getJobStatus(Controller.GetJobStatusRequest.newBuilder().setJobId("nope").build()),
        GrpcStatus.NOT_FOUND, "job nope not found");
    expectStatus(() -> api.getTaskStatus(Controller.GetTaskStatusRequest.newBuilder().setJobId("nope").build()),
        GrpcStatus.NOT_FOUND, "not found");
    expectStatus(() -> api.terminateJob(Controller.TerminateJobRequest.newBuilder().setJobId("").build()),
        GrpcStatus.INVALID_ARGUMENT, "job_id");
    await(api.launchJob(launch("dup", 1, 1)));
    expectStatus(() -> api.launchJob(launch("dup", 1, 1)), GrpcStatus.ALREADY_EXISTS, "already running");
    expectStatus(() -> api.getTaskStatus(Controller.GetTaskStatusRequest.newBuilder().setJobId("dup")
        .setTaskIndex(5).build()), GrpcStatus.NOT_FOUND, "has 1 task");
    expectStatus(() -> api.reportTaskState(Controller.ReportTaskStateRequest.newBuilder().setWorkerId("w")
        .setTaskId("garbage").setState(TaskState.TASK_STATE_RUNNING).build()), GrpcStatus.INVALID_ARGUMENT, "task id");
    // nothing was corrupted: the valid job is still there and listed
    assertThat(await(api.listJobs(Controller.ListJobsRequest.getDefaultInstance())).getJobsList())
        .extracting(JobStatus::getJobId).containsExactly("dup");
  }

  @Test
  void aBatchOfReportsIsAppliedAndABadReportInItIsRefusedAlone() throws Exception {
    FakeWorker w = await(new FakeWorker(vertx, bus, "w1", 4, Map.of()).outcome(r -> null).start());
    String id = await(api.launchJob(launch("batched", 2, 1))).getJobId();
    eventually(() -> status(id).getTasksRunning() == 2);
    var batch = Controller.ReportTaskStatesRequest.newBuilder().setWorkerId("w1");
    for (var run : w.runs) {
      w.attempts.computeIfPresent(run.getTaskId(), // its heartbeats agree
          (k, e) -> e.toBuilder().setState(TaskState.TASK_STATE_SUCCEEDED).build());
      batch.addReports(Controller.ReportTaskStateRequest.newBuilder().setTaskId(run.getTaskId())
          .setAttemptId(run.getAttemptId()).setState(TaskState.TASK_STATE_SUCCEEDED));
    }
    var first = w.runs.get(0);
    // applied as w1's, this FAILED report would fail the job: it must be refused, not applied
    batch.addReports(0, Controller.ReportTaskStateRequest.newBuilder().setWorkerId("w2").setTaskId(first.getTaskId())
        .setAttemptId(first.getAttemptId()).setState(TaskState.TASK_STATE_FAILED).setExitCode(1));
    batch.addReports(2, Controller.ReportTaskStateRequest.newBuilder().setTaskId("garbage")
        .setState(TaskState.TASK_STATE_RUNNING));

    List<String> errors = await(api.reportTaskStates(batch.build())).getErrorsList();
    assertThat(errors).hasSize(4);
    assertThat(errors.get(0)).contains("names worker 'w2' in a batch from worker 'w1'");
    assertThat(errors.get(1)).isEmpty();
    assertThat(errors.get(2)).contains("task id 'garbage'");
    assertThat(errors.get(3)).isEmpty();
    JobStatus done = waitForJob(id, JobState.JOB_STATE_SUCCEEDED);
    assertThat(done.getTasksSucceeded()).isEqualTo(2);

    // a batch with no worker, or too many reports, is refused whole
    expectStatus(() -> api.reportTaskStates(batch.clone().setWorkerId("").build()), GrpcStatus.INVALID_ARGUMENT,
        "worker_id");
    var tooMany = Controller.ReportTaskStatesRequest.newBuilder().setWorkerId("w1")
        .addAllReports(java.util.Collections.nCopies(10_001, batch.getReports(1)));
    expectStatus(() -> api.reportTaskStates(tooMany.build()), GrpcStatus.INVALID_ARGUMENT,
        "at most 10000 reports, this one has 10001");
    // the same handler answers on the event bus
    assertThat(await(bus.reportTaskStates(Controller.ReportTaskStatesRequest.newBuilder().setWorkerId("w1")
        .addReports(batch.getReports(1)).build())).getErrorsList()).containsExactly("");
  }

  @Test
  void watchStreamsCommittedEventsFromASequence() throws Exception {
    await(new FakeWorker(vertx, bus, "w1", 4, Map.of()).start());
    List<ClusterEvent> seen = new CopyOnWriteArrayList<>();
    var stream = await(api.watchEvents(Controller.WatchEventsRequest.newBuilder().setJobId("watched").build()));
    stream.handler(seen::add);
    String id = await(api.launchJob(launch("watched", 2, 1))).getJobId();
    waitForJob(id, JobState.JOB_STATE_SUCCEEDED);
    eventually(() -> seen.stream().anyMatch(e -> e.getKind() == EventKind.EVENT_KIND_JOB_STATE_CHANGED
        && e.getJobState() == JobState.JOB_STATE_SUCCEEDED));
    assertThat(seen.get(0).getKind()).isEqualTo(EventKind.EVENT_KIND_JOB_SUBMITTED);
    for (int i = 1; i < seen.size(); i++) {
      assertThat(seen.get(i).getSequence()).isGreaterThan(seen.get(i - 1).getSequence());
    }
    // a late watcher replays from sequence 0
    List<ClusterEvent> replay = new CopyOnWriteArrayList<>();
    var late = await(api.watchEvents(Controller.WatchEventsRequest.newBuilder().setJobId("watched").build()));
    late.handler(replay::add);
    eventually(() -> replay.size() == seen.size());
    assertThat(replay).isEqualTo(seen);
  }

  @Test
  void watchingAResubmittedJobReplaysOnlyItsCurrentRun() throws Exception {
    FakeWorker w = await(new FakeWorker(vertx, bus, "w1", 4, Map.of()).start());
    waitForJob(await(api.launchJob(launch("again", 1, 1))).getJobId(), JobState.JOB_STATE_SUCCEEDED);
    w.outcome(r -> null); // the second run stays RUNNING
    await(api.launchJob(launch("again", 1, 1)));
    eventually(() -> w.runs.size() == 2);

    List<ClusterEvent> seen = new CopyOnWriteArrayList<>();
    var stream = await(api.watchEvents(Controller.WatchEventsRequest.newBuilder().setJobId("again").build()));
    stream.handler(seen::add);
    eventually(() -> seen.stream().anyMatch(e -> e.getTaskState() == TaskState.TASK_STATE_RUNNING));
    Thread.sleep(200);

    assertThat(seen.get(0).getKind()).isEqualTo(EventKind.EVENT_KIND_JOB_SUBMITTED);
    assertThat(seen).filteredOn(e -> e.getKind() == EventKind.EVENT_KIND_JOB_SUBMITTED).hasSize(1);
    assertThat(seen).noneMatch(e -> e.getJobState() == JobState.JOB_STATE_SUCCEEDED);
    // the second run numbers its attempts after the first run's
    assertThat(w.runs.get(1).getAttemptId()).isEqualTo(1);
    assertThat(seen).filteredOn(e -> e.getKind() == EventKind.EVENT_KIND_TASK_STATE_CHANGED)
        .allSatisfy(e -> assertThat(e.getAttemptId()).isEqualTo(1));
    stream.handler(null);
  }

  /**
   * A gang no group of the registered workers could ever hold is refused at submission (nothing is stored); with
   * no worker yet it is accepted and says why it waits; one that fits a group runs.
   */
  @Test
  void aGangNoGroupCanEverHoldIsRefusedAtSubmission() throws Exception {
    Controller.LaunchJobRequest gang = launch("gang", 3, 1).toBuilder()
        .setCoscheduling(dev.iris.rpc.CoschedulingConfig.newBuilder().setGroupBy("slice")).build();
    String early = await(api.launchJob(gang.toBuilder().setName("early").build())).getJobId();
    eventually(() -> status(early).getPendingReason().equals("no workers registered"));

    await(new FakeWorker(vertx, bus, "a0", 2, Map.of("slice", "a")).start());
    await(new FakeWorker(vertx, bus, "a1", 2, Map.of("slice", "a")).start());
    await(new FakeWorker(vertx, bus, "b0", 2, Map.of("slice", "b")).start());

    assertThatThrownBy(() -> await(api.launchJob(gang))).isInstanceOfSatisfying(RpcException.class, e -> {
      assertThat(e.status()).isEqualTo(GrpcStatus.FAILED_PRECONDITION);
      assertThat(e.getMessage()).isEqualTo("coscheduled job 'gang' needs 3 workers with the same 'slice' that each "
          + "have room for one task (1 cpu, 1 MiB memory, 0 B disk, 0 gpu); the largest such group, slice=a, has 2 "
          + "(of 3 registered workers): add workers to a group, or submit fewer replicas");
    });
    expectStatus(() -> api.getJobStatus(Controller.GetJobStatusRequest.newBuilder().setJobId("gang").build()),
        GrpcStatus.NOT_FOUND, "gang");
    eventually(() -> status(early).getPendingReason()
        .equals("coscheduling: need 3 workers in one 'slice' group, largest has 2"));

    await(new FakeWorker(vertx, bus, "a2", 2, Map.of("slice", "a")).start());
    String fits = await(api.launchJob(gang)).getJobId();
    waitForJob(fits, JobState.JOB_STATE_SUCCEEDED);
  }

  @Test
  void watchingAMalformedJobIdIsAnInvalidArgument() throws Exception {
    expectStatus(() -> api.watchEvents(Controller.WatchEventsRequest.newBuilder().setJobId("bad//id").build()),
        GrpcStatus.INVALID_ARGUMENT, "bad job_id");
  }

  @Test
  void oversizedRequestsAreRefusedAndNothingIsStored() throws Exception {
    byte[] big = new byte[LaunchRequests.MAX_BUNDLE_BYTES + 1];
    expectStatus(() -> api.launchJob(launch("huge", 1, 1).toBuilder()
        .setBundleBlob(com.google.protobuf.ByteString.copyFrom(big)).build()), GrpcStatus.INVALID_ARGUMENT, "at most");
    byte[] beyondTheWire = new byte[(int) ControllerServerVerticle.MAX_MESSAGE_BYTES + 1024];
    assertThatThrownBy(() -> await(api.launchJob(launch("huger", 1, 1).toBuilder()
        .setBundleBlob(com.google.protobuf.ByteString.copyFrom(beyondTheWire)).build())))
        .isInstanceOf(RpcException.class);
    assertThat(await(api.listJobs(Controller.ListJobsRequest.getDefaultInstance())).getTotalCount()).isZero();
    // the server is still fine
    assertThat(await(api.launchJob(launch("after", 1, 1))).getJobId()).isEqualTo("after");
  }

  @Test
  void metricsAreServedInPrometheusFormatOnTheSamePort() throws Exception {
    await(new FakeWorker(vertx, bus, "w1", 4, Map.of()).start());
    FakeWorker silent = await(new FakeWorker(vertx, bus, "silent", 0, Map.of()).start());
    silent.stopHeartbeats();
    String id = await(api.launchJob(launch("measured", 3, 1))).getJobId();
    waitForJob(id, JobState.JOB_STATE_SUCCEEDED);
    eventually(() -> await(api.listWorkers(Controller.ListWorkersRequest.getDefaultInstance())).getWorkersList()
        .stream().anyMatch(w -> w.getWorkerId().equals("silent") && !w.getHealthy()));
    var http = vertx.createHttpClient();
    String body = await(http.request(io.vertx.core.http.HttpMethod.GET, node.port(), "127.0.0.1", "/metrics")
        .compose(r -> r.send()).compose(r -> r.body())).toString();
    assertThat(body).contains("iris_tasks{state=\"SUCCEEDED\"} 3.0");
    assertThat(body).contains("iris_jobs{state=\"SUCCEEDED\"} 1.0");
    assertThat(body).contains("iris_workers{status=\"alive\"} 1.0");
    assertThat(body).contains("iris_workers{status=\"lost\"} 1.0");
    assertThat(body).contains("iris_workers_lost_total 1.0");
    assertThat(body).contains("iris_scheduling_assignments_total{outcome=\"committed\"} 3.0");
    assertThat(body).contains("iris_scheduling_assignments_total{outcome=\"rejected\"} 0.0");
    assertThat(body).contains("iris_scheduling_plan_size_sum 3.0");
    assertThat(body).contains("iris_rpc_seconds_bucket{method=\"LaunchJob\",status=\"OK\",le=");
    assertThat(body).contains("iris_task_transitions_total{from=\"PENDING\",to=\"ASSIGNED\"} 3.0");
    assertThat(body).contains("iris_rpc_seconds_count{method=\"LaunchJob\",status=\"OK\"} 1");
    assertThat(body).contains("iris_task_submit_to_running_seconds_count 3");
    assertThat(body).contains("iris_scheduling_pass_seconds_count");
    assertThat(body).contains("iris_dispatch_seconds_count{outcome=\"delivered\"} 3");
  }

  // ------------------------------------------------------------------ helpers

  static Controller.LaunchJobRequest launch(String name, int replicas, int cpu) {
    return Controller.LaunchJobRequest.newBuilder().setName(name)
        .setEntrypoint(CommandEntrypoint.newBuilder().addArgv("true"))
        .setResources(ResourceSpecProto.newBuilder().setReplicas(replicas).setCpu(cpu).setMemoryBytes(1 << 20))
        .build();
  }

  private JobStatus status(String id) throws Exception {
    return await(api.getJobStatus(Controller.GetJobStatusRequest.newBuilder().setJobId(id).build())).getJob();
  }

  private JobStatus waitForJob(String id, JobState state) throws Exception {
    eventually(() -> status(id).getState() == state);
    return status(id);
  }

  private void expectStatus(Supplier<Future<?>> call, GrpcStatus status, String message) {
    assertThatThrownBy(() -> await(call.get()))
        .isInstanceOfSatisfying(RpcException.class, e -> {
          assertThat(e.status()).isEqualTo(status);
          assertThat(e.getMessage()).contains(message);
        });
  }

  interface Check {
    boolean ok() throws Exception;
  }

  static void eventually(Check check) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!check.ok()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.sleep(20);
    }
  }

  static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof Exception ex ? ex : e;
    }
  }
}
