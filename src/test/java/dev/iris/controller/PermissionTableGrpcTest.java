package dev.iris.controller;

import static dev.iris.controller.ControllerGrpcTest.await;
import static dev.iris.controller.ControllerGrpcTest.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.iris.common.RpcException;
import dev.iris.controller.api.Redaction;
import dev.iris.core.Sha256;
import dev.iris.link.GrpcControllerLink;
import dev.iris.link.WatchStream;
import dev.iris.rpc.Controller;
import dev.iris.rpc.JobState;
import dev.iris.rpc.JobStatus;
import dev.iris.rpc.TaskState;
import dev.iris.rpc.WorkerMetadata;
import io.vertx.core.Future;
import io.vertx.grpc.common.GrpcStatus;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every ControllerService method with every kind of credential, over real gRPC to a controller that
 * authenticates: the table below is the permission table, and each of its cells is one call.
 *
 * <p>Alice owns {@code alice-job} (with a variable and a bundle, its task running on worker alpha), bob owns
 * {@code bob-job}. Rows that name a job act on alice's: LaunchJob(child) launches a child of it, TerminateJob
 * kills a fresh child of it, RegisterEndpoint registers {@code alice-job/...}, UnregisterEndpoint removes a
 * fresh endpoint of it; the worker rows speak for {@code idle-alpha}, a worker that alpha's token registered.
 * Credentials: none (no header), wrong (no token of this cluster), forged (alice-job's task token signed with
 * another cluster's key), admin, owner (alice), other (bob), viewer, worker (alpha), task (alice-job's task
 * token), elsewhere (bob-job's task token), expired (the task token of a job of alice's that has finished).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PermissionTableGrpcTest {
  private static final String TABLE = """
      method              none   wrong  forged admin  owner  other  viewer worker task   elsewhere expired
      LaunchJob           unauth unauth unauth ok     ok     ok     denied denied denied denied    unauth
      LaunchJob(child)    unauth unauth unauth ok     ok     denied denied denied ok     denied    unauth
      GetJobStatus        unauth unauth unauth ok     ok     ok     ok     denied ok     denied    unauth
      TerminateJob        unauth unauth unauth ok     ok     denied denied denied ok     denied    unauth
      ListJobs            unauth unauth unauth ok     ok     ok     ok     denied denied denied    unauth
      GetTaskStatus       unauth unauth unauth ok     ok     ok     ok     denied ok     denied    unauth
      ListTasks           unauth unauth unauth ok     ok     ok     ok     denied ok     denied    unauth
      RegisterWorker      unauth unauth unauth ok     denied denied denied ok     denied denied    unauth
      Heartbeat           unauth unauth unauth ok     denied denied denied ok     denied denied    unauth
      ListWorkers         unauth unauth unauth ok     ok     ok     ok     denied denied denied    unauth
      ReportTaskState     unauth unauth unauth ok     denied denied denied ok     denied denied    unauth
      ReportTaskStates    unauth unauth unauth ok     denied denied denied ok     denied denied    unauth
      GetBundle           unauth unauth unauth ok     denied denied denied ok     denied denied    unauth
      FetchTaskLogs       unauth unauth unauth ok     ok     ok     ok     denied ok     denied    unauth
      RegisterEndpoint    unauth unauth unauth ok     ok     denied denied denied ok     denied    unauth
      UnregisterEndpoint  unauth unauth unauth ok     ok     denied denied denied ok     denied    unauth
      LookupEndpoint      unauth unauth unauth ok     ok     ok     ok     denied ok     ok        unauth
      ListEndpoints       unauth unauth unauth ok     ok     ok     ok     denied ok     ok        unauth
      WatchEvents         unauth unauth unauth ok     ok     ok     ok     denied ok     denied    unauth
      WatchEvents(all)    unauth unauth unauth ok     ok     ok     ok     denied denied denied    unauth
      """;
  private static final Map<String, GrpcStatus> OUTCOMES = Map.of("ok", GrpcStatus.OK,
      "unauth", GrpcStatus.UNAUTHENTICATED, "denied", GrpcStatus.PERMISSION_DENIED);

  private AuthCluster cluster;
  private final Map<String, String> credentials = new HashMap<>();
  private final AtomicInteger seq = new AtomicInteger();
  private String bundleHash;

  /** One cell's call, made by a client bearing the cell's credential. */
  private interface Call {
    Future<?> as(GrpcControllerLink client) throws Exception;
  }

  @BeforeAll
  void startClusterWithJobsOfTwoUsers() throws Exception {
    cluster = new AuthCluster();
    await(new FakeWorker(cluster.vertx, cluster.as(AuthCluster.ALPHA), "w-alpha", 64, Map.of()).outcome(r -> null)
        .start());
    byte[] bundle = zipOf("hello.txt", "hi");
    bundleHash = Sha256.hex(bundle);
    await(cluster.as(AuthCluster.ALICE).launchJob(AuthCluster.job("alice-job", "", Map.of("SECRET", "alice-value"))
        .toBuilder().setBundleBlob(ByteString.copyFrom(bundle)).build()));
    await(cluster.as(AuthCluster.BOB).launchJob(AuthCluster.job("bob-job", "", Map.of("SECRET", "bob-value"))));
    await(cluster.as(AuthCluster.ALICE).launchJob(AuthCluster.job("alice-done", "", Map.of())));
    await(cluster.as(AuthCluster.ALICE).terminateJob(terminate("alice-done")));
    await(cluster.as(AuthCluster.ALPHA).registerWorker(idleWorker()));
    eventually(() -> cluster.status("alice-job").getTasksRunning() == 1
        && cluster.status("bob-job").getTasksRunning() == 1);
    await(cluster.as(AuthCluster.ADMIN).registerEndpoint(endpoint("alice-job/svc")));

    credentials.put("none", "");
    credentials.put("wrong", AuthCluster.WRONG);
    credentials.put("forged", cluster.forgedTaskToken("alice-job", "alice"));
    credentials.put("admin", AuthCluster.ADMIN);
    credentials.put("owner", AuthCluster.ALICE);
    credentials.put("other", AuthCluster.BOB);
    credentials.put("viewer", AuthCluster.VIEWER);
    credentials.put("worker", AuthCluster.ALPHA);
    credentials.put("task", cluster.taskToken("alice-job", "alice"));
    credentials.put("elsewhere", cluster.taskToken("bob-job", "bob"));
    credentials.put("expired", cluster.taskToken("alice-done", "alice"));
  }

  @AfterAll
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** The cells of {@link #TABLE}: method, credential, expected status. */
  static Stream<Arguments> cells() {
    List<String> lines = TABLE.strip().lines().toList();
    String[] columns = lines.get(0).trim().split("\\s+");
    List<Arguments> cells = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] row = line.trim().split("\\s+");
      for (int i = 1; i < columns.length; i++) {
        cells.add(Arguments.of(row[0], columns[i], OUTCOMES.get(row[i])));
      }
    }
    return cells.stream();
  }

  @ParameterizedTest(name = "{0} with {1} token: {2}")
  @MethodSource("cells")
  @Order(1)
  void eachMethodAnswersEachCredentialAsTheTableSays(String method, String credential, GrpcStatus expected)
      throws Exception {
    Call call = calls().get(method);
    GrpcControllerLink client = cluster.as(credentials.get(credential));
    if (expected == GrpcStatus.OK) {
      Object answer = await(call.as(client));
      if (answer instanceof WatchStream stream) {
        stream.cancel();
      }
      return;
    }
    assertThatThrownBy(() -> await(call.as(client))).isInstanceOfSatisfying(RpcException.class, e -> {
      assertThat(e.status()).as(e.getMessage()).isEqualTo(expected);
      assertThat(e.getMessage()).doesNotContain("\n").hasSizeLessThan(300);
      for (String token : cluster.tokens()) {
        assertThat(e.getMessage()).doesNotContain(token);
      }
      switch (credential) {
        case "none" -> assertThat(e.getMessage()).startsWith("no credential: send 'authorization: Bearer <token>'");
        case "wrong", "forged" ->
            assertThat(e.getMessage()).isEqualTo("invalid token: it is not a token of this cluster");
        case "expired" -> assertThat(e.getMessage()).contains("has expired");
        default -> assertThat(e.getMessage()).contains(" may not ");
      }
    });
  }

  @Test
  @Order(2)
  void onlyTheOwnerAdminsAndTheJobsTasksSeeItsVariables() throws Exception {
    for (String sees : List.of("admin", "owner", "task")) {
      JobStatus job = statusAs(sees, "alice-job");
      assertThat(job.getEnvVarsMap()).as(sees).containsExactly(Map.entry("SECRET", "alice-value"));
      assertThat(job.getEnvRedacted()).as(sees).isFalse();
      assertThat(job.getUser()).isEqualTo("alice");
    }
    for (String blind : List.of("other", "viewer")) {
      JobStatus job = statusAs(blind, "alice-job");
      assertThat(job.getEnvVarsMap()).as(blind).containsExactly(Map.entry("SECRET", Redaction.WITHHELD));
      assertThat(job.getEnvRedacted()).as(blind).isTrue();
    }
    // ListJobs: each job as its reader may see it
    Map<String, JobStatus> asAlice = listAs("owner");
    assertThat(asAlice.get("alice-job").getEnvVarsMap()).containsEntry("SECRET", "alice-value");
    assertThat(asAlice.get("bob-job").getEnvVarsMap()).containsEntry("SECRET", Redaction.WITHHELD);
    assertThat(asAlice.get("bob-job").getEnvRedacted()).isTrue();
    Map<String, JobStatus> asViewer = listAs("viewer");
    assertThat(asViewer.get("alice-job").getEnvVarsMap()).containsEntry("SECRET", Redaction.WITHHELD);
    assertThat(asViewer.get("bob-job").getEnvVarsMap()).containsEntry("SECRET", Redaction.WITHHELD);
    Map<String, JobStatus> asAdmin = listAs("admin");
    assertThat(asAdmin.get("alice-job").getEnvVarsMap()).containsEntry("SECRET", "alice-value");
    assertThat(asAdmin.get("bob-job").getEnvVarsMap()).containsEntry("SECRET", "bob-value");
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void noLogLineHoldsAToken() {
    List<String> lines = cluster.logLines();
    for (String token : cluster.tokens()) {
      assertThat(lines).noneMatch(l -> l.contains(token));
    }
  }

  // ---------------------------------------------------------------- the calls of the rows

  private Map<String, Call> calls() {
    Map<String, Call> calls = new HashMap<>();
    calls.put("LaunchJob", c -> c.launchJob(AuthCluster.job("top-" + seq.incrementAndGet(), "", Map.of())));
    calls.put("LaunchJob(child)", c -> c.launchJob(AuthCluster.job("child-" + seq.incrementAndGet(), "alice-job",
        Map.of())));
    calls.put("GetJobStatus", c -> c.getJobStatus(Controller.GetJobStatusRequest.newBuilder().setJobId("alice-job")
        .setIncludeTasks(true).build()));
    calls.put("TerminateJob", c -> {
      String victim = await(cluster.as(AuthCluster.ALICE).launchJob(AuthCluster.job("victim-" + seq.incrementAndGet(),
          "alice-job", Map.of()))).getJobId();
      return c.terminateJob(terminate(victim));
    });
    calls.put("ListJobs", c -> c.listJobs(Controller.ListJobsRequest.getDefaultInstance()));
    calls.put("GetTaskStatus", c -> c.getTaskStatus(Controller.GetTaskStatusRequest.newBuilder().setJobId("alice-job")
        .setTaskIndex(0).build()));
    calls.put("ListTasks", c -> c.listTasks(Controller.ListTasksRequest.newBuilder().setJobId("alice-job").build()));
    calls.put("RegisterWorker", c -> c.registerWorker(idleWorker()));
    calls.put("Heartbeat", c -> c.heartbeat(Controller.HeartbeatRequest.newBuilder().setWorkerId("idle-alpha")
        .build()));
    calls.put("ListWorkers", c -> c.listWorkers(Controller.ListWorkersRequest.getDefaultInstance()));
    calls.put("ReportTaskState", c -> c.reportTaskState(staleReport()));
    calls.put("ReportTaskStates", c -> c.reportTaskStates(Controller.ReportTaskStatesRequest.newBuilder()
        .setWorkerId("idle-alpha").addReports(staleReport()).build()));
    calls.put("GetBundle", c -> c.getBundle(Controller.GetBundleRequest.newBuilder().setBundleHash(bundleHash)
        .build()));
    calls.put("FetchTaskLogs", c -> c.fetchTaskLogs(Controller.FetchTaskLogsRequest.newBuilder()
        .setJobId("alice-job").setTaskIndex(0).build()));
    calls.put("RegisterEndpoint", c -> c.registerEndpoint(endpoint("alice-job/ep-" + seq.incrementAndGet())));
    calls.put("UnregisterEndpoint", c -> {
      String id = await(cluster.as(AuthCluster.ADMIN).registerEndpoint(endpoint("alice-job/gone-"
          + seq.incrementAndGet()))).getEndpointId();
      return c.unregisterEndpoint(Controller.UnregisterEndpointRequest.newBuilder().setEndpointId(id).build());
    });
    calls.put("LookupEndpoint", c -> c.lookupEndpoint(Controller.LookupEndpointRequest.newBuilder()
        .setName("alice-job/svc").build()));
    calls.put("ListEndpoints", c -> c.listEndpoints(Controller.ListEndpointsRequest.newBuilder()
        .setPrefix("alice-job").build()));
    calls.put("WatchEvents", c -> c.watchEvents(quietWatch().setJobId("alice-job").build()));
    calls.put("WatchEvents(all)", c -> c.watchEvents(quietWatch().build()));
    return calls;
  }

  // ---------------------------------------------------------------- helpers

  private JobStatus statusAs(String credential, String job) throws Exception {
    return await(cluster.as(credentials.get(credential)).getJobStatus(Controller.GetJobStatusRequest.newBuilder()
        .setJobId(job).build())).getJob();
  }

  private Map<String, JobStatus> listAs(String credential) throws Exception {
    Map<String, JobStatus> byId = new HashMap<>();
    await(cluster.as(credentials.get(credential)).listJobs(Controller.ListJobsRequest.getDefaultInstance()))
        .getJobsList().forEach(j -> byId.put(j.getJobId(), j));
    return byId;
  }

  /**
   * A watch from beyond the last event, so that nothing is streamed: the table cancels each watch it opens,
   * and a client answers every event still in flight to a cancelled stream with a reset, which the server
   * counts against its rapid-reset limit for the connection (200 in 30 s).
   */
  private static Controller.WatchEventsRequest.Builder quietWatch() {
    return Controller.WatchEventsRequest.newBuilder().setFromSequence(Long.MAX_VALUE);
  }

  private static Controller.TerminateJobRequest terminate(String job) {
    return Controller.TerminateJobRequest.newBuilder().setJobId(job).build();
  }

  /** A worker of no capacity, so that nothing is ever placed on it. */
  private static Controller.RegisterWorkerRequest idleWorker() {
    return Controller.RegisterWorkerRequest.newBuilder().setWorkerId("idle-alpha").setAddress("bus://idle-alpha")
        .setMetadata(WorkerMetadata.newBuilder().setCpuCount(0).setMemoryBytes(0)).build();
  }

  /** A report for an attempt idle-alpha never ran: accepted and ignored. */
  private static Controller.ReportTaskStateRequest staleReport() {
    return Controller.ReportTaskStateRequest.newBuilder().setWorkerId("idle-alpha").setTaskId("alice-job/task-0")
        .setJobId("alice-job").setAttemptId(99).setState(TaskState.TASK_STATE_RUNNING).build();
  }

  private static Controller.RegisterEndpointRequest endpoint(String name) {
    return Controller.RegisterEndpointRequest.newBuilder().setName(name).setAddress("10.0.0.1:8080")
        .setJobId("alice-job").build();
  }

  private static byte[] zipOf(String name, String text) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      zip.putNextEntry(new ZipEntry(name));
      zip.write(text.getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    }
    return bytes.toByteArray();
  }
}
