package dev.iris.controller;

import static dev.iris.controller.ControllerGrpcTest.await;
import static dev.iris.controller.ControllerGrpcTest.eventually;
import static dev.iris.controller.ControllerGrpcTest.launch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.iris.common.RpcException;
import dev.iris.controller.state.StoreConfig;
import dev.iris.link.EventBusControllerLink;
import dev.iris.link.GrpcControllerLink;
import dev.iris.node.ControllerNode;
import dev.iris.rpc.Constraint;
import dev.iris.rpc.Controller;
import dev.iris.rpc.JobState;
import dev.iris.rpc.JobStatus;
import dev.iris.rpc.TaskState;
import dev.iris.rpc.WorkerHealthStatus;
import dev.iris.rpc.WorkerMetadata;
import dev.iris.rpc.WorkerTaskEntry;
import dev.iris.worker.bundle.BundleCache;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed and hostile requests sent to a real controller over gRPC: each is answered INVALID_ARGUMENT with
 * a short one-line message, nothing of it is stored, and the controller keeps serving the requests that follow.
 */
class HostileRequestsGrpcTest {
  /** No refusal's message is longer, whatever the request held. */
  private static final int MAX_MESSAGE_CHARS = 300;

  private Vertx vertx;
  private ControllerNode node;
  private GrpcControllerLink api;
  private EventBusControllerLink bus;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    var config = ControllerNode.Config.defaults("127.0.0.1", 0)
        .withStore(new StoreConfig(600, StoreConfig.DEFAULT_START_CAPACITY, 1_000, 10_000));
    node = await(ControllerNode.start(vertx, config, Clock.systemUTC()));
    api = new GrpcControllerLink(GrpcClient.client(vertx), SocketAddress.inetSocketAddress(node.port(), "127.0.0.1"),
        10_000);
    bus = new EventBusControllerLink(vertx.eventBus(), 5_000);
  }

  @AfterEach
  void stop() throws Exception {
    await(node.stop());
    await(vertx.close());
  }

  @Test
  void unknownEnumValuesAreInvalidArgumentsNotInternalErrors() throws Exception {
    FakeWorker w = await(new FakeWorker(vertx, bus, "w1", 4, Map.of("zone", "a")).outcome(r -> null).start());
    await(api.launchJob(launch("steady", 1, 1)));
    eventually(() -> w.runs.size() == 1);
    Controller.ReportTaskStateRequest unknownState = Controller.ReportTaskStateRequest.newBuilder().setWorkerId("w1")
        .setTaskId("steady/task-0").setAttemptId(w.runs.get(0).getAttemptId()).setStateValue(999).build();
    WorkerTaskEntry unknownEntry = WorkerTaskEntry.newBuilder().setTaskId("steady/task-0")
        .setAttemptId(w.runs.get(0).getAttemptId()).setStateValue(999).build();

    refused(() -> api.listJobs(Controller.ListJobsRequest.newBuilder().setStateValue(999).build()),
        "state 999 is not a job state this server knows");
    refused(() -> api.listJobs(Controller.ListJobsRequest.newBuilder().setState(JobState.JOB_STATE_BUILDING).build()),
        "state JOB_STATE_BUILDING is not a job state to filter by");
    refused(() -> api.launchJob(launch("constrained", 1, 1).toBuilder()
            .addConstraints(Constraint.newBuilder().setKey("zone").setOpValue(999).setValue("a")).build()),
        "constraint on 'zone' has operator 999, not one this server knows");
    refused(() -> api.reportTaskState(unknownState), "report for steady/task-0 has state 999, not a task state");
    refused(() -> api.heartbeat(Controller.HeartbeatRequest.newBuilder().setWorkerId("w1").addTasks(unknownEntry)
        .build()), "has state 999");
    refused(() -> api.registerWorker(Controller.RegisterWorkerRequest.newBuilder().setWorkerId("w1")
        .setAddress("bus://w1").addTasks(unknownEntry).build()), "has state 999");
    // in a batch the report is refused alone
    List<String> errors = await(api.reportTaskStates(Controller.ReportTaskStatesRequest.newBuilder()
        .setWorkerId("w1").addReports(unknownState).build())).getErrorsList();
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0)).contains("has state 999");

    // nothing was corrupted: the task still runs on w1, which still heartbeats, and it can still succeed
    assertThat(status("steady").getState()).isEqualTo(JobState.JOB_STATE_RUNNING);
    assertThat(await(api.listJobs(Controller.ListJobsRequest.getDefaultInstance())).getJobsList())
        .extracting(JobStatus::getJobId).containsExactly("steady");
    w.attempts.computeIfPresent("steady/task-0",
        (k, e) -> e.toBuilder().setState(TaskState.TASK_STATE_SUCCEEDED).build());
    await(api.reportTaskState(unknownState.toBuilder().setState(TaskState.TASK_STATE_SUCCEEDED).build()));
    eventually(() -> status("steady").getState() == JobState.JOB_STATE_SUCCEEDED);
    assertThat(workers()).extracting(WorkerHealthStatus::getWorkerId).containsExactly("w1");
    assertThat(workers().get(0).getHealthy()).isTrue();
  }

  @Test
  void badWorkerRegistrationsAreRefusedAndNoWorkerIsRegistered() throws Exception {
    Map<String, String> tooMany = new HashMap<>();
    for (int i = 0; i < 100_000; i++) {
      tooMany.put("k" + i, "v");
    }
    refused(() -> register("../w", "h:1", WorkerMetadata.newBuilder()), "worker_id '../w' must be 1-128 letters");
    refused(() -> register("w\u0000", "h:1", WorkerMetadata.newBuilder()), "worker_id 'w\\x00' must be");
    refused(() -> register("w".repeat(1 << 20), "h:1", WorkerMetadata.newBuilder()), "(1048576 characters)");
    refused(() -> register("w1", "h", WorkerMetadata.newBuilder()), "worker w1 address: 'h' has no port");
    refused(() -> register("w1", "h:1\u0000", WorkerMetadata.newBuilder()), "contains a control character");
    refused(() -> register("w1", "<script>:80", WorkerMetadata.newBuilder()), "has a host other than");
    refused(() -> register("w1", "bus://w2", WorkerMetadata.newBuilder()), "must be bus://w1");
    refused(() -> register("w1", "h:1", WorkerMetadata.newBuilder().putAllAttributes(tooMany)),
        "worker w1 attributes hold 100000 entries; at most 256");
    refused(() -> register("w1", "h:1", WorkerMetadata.newBuilder().setHostname("h\nforged")), "hostname 'h\\x0aforged'");
    refused(() -> register("w1", "h:1", WorkerMetadata.newBuilder().setStartCapacity(1 << 30)), "start_capacity");
    refused(() -> register("w1", "h:1", WorkerMetadata.newBuilder().setCpuCount(-1)), "negative capacity");
    assertThat(workers()).isEmpty();

    // a real worker still registers and runs tasks
    await(new FakeWorker(vertx, bus, "w1", 2, Map.of()).start());
    await(api.launchJob(launch("after", 1, 1)));
    eventually(() -> status("after").getState() == JobState.JOB_STATE_SUCCEEDED);
    assertThat(workers()).extracting(WorkerHealthStatus::getAddress).containsExactly("bus://w1");
  }

  @Test
  void badEndpointsAreRefusedAndNoneIsRegistered() throws Exception {
    await(new FakeWorker(vertx, bus, "w1", 2, Map.of()).outcome(r -> null).start());
    await(api.launchJob(launch("svc", 1, 1)));
    eventually(() -> status("svc").getTasksRunning() == 1);
    Map<String, String> tooMany = new HashMap<>();
    for (int i = 0; i < 100_000; i++) {
      tooMany.put("k" + i, "v");
    }

    refused(() -> endpoint("../../x", "10.0.0.1:8080", Map.of()), "endpoint name '../../x' has a '..' segment");
    refused(() -> endpoint("svc/../../x", "10.0.0.1:8080", Map.of()), "has a '..' segment");
    refused(() -> endpoint("svc/\u0000", "10.0.0.1:8080", Map.of()), "endpoint name 'svc/\\x00' may hold only");
    refused(() -> endpoint("svc/<script>", "10.0.0.1:8080", Map.of()), "endpoint name 'svc/<script>' may hold only");
    refused(() -> endpoint("svc/http", "10.0.0.1:8080\u0000", Map.of()), "endpoint address '10.0.0.1:8080\\x00'");
    refused(() -> endpoint("svc/http", "<script>alert(1)</script>:80", Map.of()), "endpoint address");
    refused(() -> endpoint("svc/http", "not-an-address", Map.of()), "has no port");
    refused(() -> endpoint("svc/http", "10.0.0.1:8080", tooMany), "endpoint metadata hold 100000 entries");
    refused(() -> api.lookupEndpoint(Controller.LookupEndpointRequest.newBuilder().setName("../../x").build()),
        "has a '..' segment");
    assertThat(await(api.listEndpoints(Controller.ListEndpointsRequest.getDefaultInstance())).getEndpointsList())
        .isEmpty();

    await(endpoint("svc/http", "10.0.0.1:8080", Map.of("role", "lead")));
    assertThat(await(api.lookupEndpoint(Controller.LookupEndpointRequest.newBuilder().setName("svc/http").build()))
        .getEndpoint().getAddress()).isEqualTo("10.0.0.1:8080");
  }

  @Test
  void aBundleThatIsNotAZipArchiveIsRefusedAtLaunch(@TempDir Path tmp) throws Exception {
    refused(() -> api.launchJob(launch("text", 1, 1).toBuilder()
            .setBundleBlob(ByteString.copyFrom("#!/bin/sh\necho not a zip\n", StandardCharsets.UTF_8)).build()),
        "bundle is not a zip archive: it has no end-of-central-directory record");
    refused(() -> api.launchJob(launch("tiny", 1, 1).toBuilder().setBundleBlob(ByteString.copyFrom(new byte[] {1}))
        .build()), "bundle is not a zip archive");
    assertThat(await(api.listJobs(Controller.ListJobsRequest.getDefaultInstance())).getTotalCount()).isZero();

    // the client's bundles are zip archives, an empty directory's too
    Path empty = Files.createDirectory(tmp.resolve("empty"));
    Path full = Files.createDirectories(tmp.resolve("full/data"));
    Files.writeString(full.resolve("value.txt"), "42\n");
    for (Path dir : List.of(empty, full.getParent())) {
      byte[] zip = BundleCache.zipDirectory(dir);
      String id = await(api.launchJob(launch(dir.getFileName().toString(), 1, 1).toBuilder()
          .setBundleBlob(ByteString.copyFrom(zip)).build())).getJobId();
      assertThat(status(id).getState()).isEqualTo(JobState.JOB_STATE_PENDING);
    }
  }

  @Test
  void aBadLogFilterIsRefusedByTheControllerNotAnInternalError() {
    refused(() -> api.fetchTaskLogs(Controller.FetchTaskLogsRequest.newBuilder().setJobId("any")
        .setFilter(dev.iris.rpc.Worker.FetchLogsFilter.newBuilder().setRegex("(unclosed")).build()),
        "regex '(unclosed' is not valid");
    refused(() -> api.fetchTaskLogs(Controller.FetchTaskLogsRequest.newBuilder().setJobId("any")
        .setFilter(dev.iris.rpc.Worker.FetchLogsFilter.newBuilder().setRegex("x".repeat(5_000))).build()),
        "at most 1000 are accepted");
    refused(() -> api.fetchTaskLogs(Controller.FetchTaskLogsRequest.newBuilder().setJobId("any")
        .setFilter(dev.iris.rpc.Worker.FetchLogsFilter.newBuilder().setMaxLines(-1)).build()),
        "must not be negative");
  }

  @Test
  void hugeValuesAreQuotedByAShortPrefix() throws Exception {
    String huge = "j".repeat(4 << 20);
    refused(() -> api.getJobStatus(Controller.GetJobStatusRequest.newBuilder().setJobId(huge).build()),
        "job id '" + "j".repeat(64) + "...' (4194304 characters) is longer than 511 characters");
    refused(() -> api.getBundle(Controller.GetBundleRequest.newBuilder().setBundleHash(huge).build()),
        "bundle_hash 'jjjj");
    refused(() -> api.listJobs(Controller.ListJobsRequest.newBuilder().setPageToken(huge).build()),
        "page_token 'jjjj");
    // the server is fine
    assertThat(await(api.launchJob(launch("after", 1, 1))).getJobId()).isEqualTo("after");
  }

  // ------------------------------------------------------------------ helpers

  private Future<Controller.RegisterWorkerResponse> register(String id, String address, WorkerMetadata.Builder meta) {
    return api.registerWorker(Controller.RegisterWorkerRequest.newBuilder().setWorkerId(id).setAddress(address)
        .setMetadata(meta.setCpuCount(meta.getCpuCount() == 0 ? 2 : meta.getCpuCount()).setMemoryBytes(1L << 32))
        .build());
  }

  private Future<Controller.RegisterEndpointResponse> endpoint(String name, String address, Map<String, String> meta) {
    return api.registerEndpoint(Controller.RegisterEndpointRequest.newBuilder().setName(name).setAddress(address)
        .setJobId("svc").putAllMetadata(meta).build());
  }

  private List<WorkerHealthStatus> workers() throws Exception {
    return await(api.listWorkers(Controller.ListWorkersRequest.getDefaultInstance())).getWorkersList();
  }

  private JobStatus status(String id) throws Exception {
    return await(api.getJobStatus(Controller.GetJobStatusRequest.newBuilder().setJobId(id).build())).getJob();
  }

  private static void refused(Supplier<Future<?>> call, String message) {
    assertThatThrownBy(() -> await(call.get())).isInstanceOfSatisfying(RpcException.class, e -> {
      assertThat(e.status()).as(e.getMessage()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
      assertThat(e.getMessage()).contains(message).hasSizeLessThan(MAX_MESSAGE_CHARS).doesNotContain("\n");
    });
  }
}
