package dev.iris.controller;

import static dev.iris.controller.ControllerGrpcTest.await;
import static dev.iris.controller.ControllerGrpcTest.eventually;
import static dev.iris.controller.ControllerGrpcTest.launch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iris.controller.journal.FaultyChannel;
import dev.iris.controller.journal.JournalOptions;
import dev.iris.controller.state.StoreConfig;
import dev.iris.link.EventBusControllerLink;
import dev.iris.link.GrpcControllerLink;
import dev.iris.node.ControllerNode;
import dev.iris.rpc.Controller;
import dev.iris.rpc.JobState;
import dev.iris.rpc.JobStatus;
import dev.iris.rpc.TaskState;
import dev.iris.rpc.WorkerHealthStatus;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A controller whose state directory stops taking writes (a full disk, a failing fsync) refuses changes with the
 * reason, keeps its workers and their running tasks through the outage, and takes changes again once the disk
 * does, with everything it acknowledged before.
 */
class JournalOutageTest {
  /** Workers are lost after 600 ms of silence: the outage below lasts several times that. */
  private static final StoreConfig STORE = new StoreConfig(600, StoreConfig.DEFAULT_START_CAPACITY, 1_000, 10_000);
  @TempDir
  Path tmp;
  private final FaultyChannel.Disk disk = new FaultyChannel.Disk();
  private Vertx vertx;
  private ControllerNode node;
  private GrpcControllerLink api;
  private Path dir;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    dir = tmp.resolve("state");
    node = await(ControllerNode.start(vertx, ControllerNode.Config.defaults("127.0.0.1", 0).withStore(STORE)
        .withStateDir(Optional.of(dir)), Clock.systemUTC(), JournalOptions.defaults().withOpener(disk), 100));
    api = new GrpcControllerLink(GrpcClient.client(vertx), SocketAddress.inetSocketAddress(node.port(), "127.0.0.1"),
        5_000);
  }

  @AfterEach
  void stop() throws Exception {
    disk.bytesLeft.set(Long.MAX_VALUE);
    disk.failForce = false;
    await(node.stop());
    await(vertx.close());
  }

  @Test
  void aFullDiskRefusesChangesWhileRunningTasksAndWorkersRideThroughThenChangesAreTakenAgain() throws Exception {
    FakeWorker w = await(new FakeWorker(vertx, new EventBusControllerLink(vertx.eventBus(), 5_000), "w1", 4, Map.of())
        .outcome(r -> r.getTaskId().startsWith("long/") ? null : TaskState.TASK_STATE_SUCCEEDED).start());
    String done = await(api.launchJob(launch("done", 2, 1))).getJobId();
    String running = await(api.launchJob(launch("long", 2, 1))).getJobId();
    eventually(() -> status(done).getState() == JobState.JOB_STATE_SUCCEEDED
        && status(running).getTasksList().stream().allMatch(t -> t.getState() == TaskState.TASK_STATE_RUNNING));
    List<String> attemptsBefore = attempts(status(running));
    int runsBefore = w.runs.size();

    disk.bytesLeft.set(0);
    eventually(() -> metric("iris_store_journal_failed") == 1.0); // the next heartbeat meets the full disk
    assertThatThrownBy(() -> await(api.launchJob(launch("refused", 1, 1))))
        .hasMessageContaining("state directory " + dir + " cannot be written: No space left on device; retrying");
    JsonObject failing = controllerJson();
    assertThat(failing.getBoolean("writable")).isFalse();
    assertThat(failing.getString("failure")).contains("No space left on device");
    Thread.sleep(2_000); // more than three worker timeouts, heartbeats refused all along
    assertThat(status(running).getState()).as("reads go on").isEqualTo(JobState.JOB_STATE_RUNNING);

    disk.bytesLeft.set(Long.MAX_VALUE);
    eventually(() -> {
      try {
        await(api.launchJob(launch("after", 1, 1)));
        return true;
      } catch (Exception refusedStill) {
        return false;
      }
    });
    eventually(() -> status("after").getState() == JobState.JOB_STATE_SUCCEEDED);
    Thread.sleep(1_200); // two worker timeouts after the reopen: the grace is over, heartbeats carry on

    assertThat(status(done).getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    assertThat(attempts(status(running))).as("the same attempts, still running").isEqualTo(attemptsBefore);
    assertThat(workers()).singleElement().satisfies(h -> {
      assertThat(h.getLost()).isFalse();
      assertThat(h.getHealthy()).isTrue();
    });
    assertThat(w.kills).isEmpty();
    assertThat(w.runs).hasSize(runsBefore + 1); // only the new job's task
    assertThatThrownBy(() -> status("refused")).hasMessageContaining("refused");
    assertThat(metric("iris_store_journal_failed")).isEqualTo(0.0);
    assertThat(metric("iris_store_journal_reopens_total")).isEqualTo(1.0);
    assertThat(metric("iris_journal_write_failures_total")).isEqualTo(1.0);
    assertThat(metric("iris_journal_append_failures_total")).isGreaterThanOrEqualTo(1.0);
    assertThat(metric("iris_workers_lost_total")).isEqualTo(0.0);
    JsonObject recovered = controllerJson();
    assertThat(recovered.getBoolean("writable")).isTrue();
    assertThat(recovered.getInteger("reopens")).isEqualTo(1);
    assertThat(recovered.getJsonObject("reopened").getInteger("jobs")).isEqualTo(2);
  }

  private JobStatus status(String id) throws Exception {
    return await(api.getJobStatus(Controller.GetJobStatusRequest.newBuilder().setJobId(id).setIncludeTasks(true)
        .build())).getJob();
  }

  private static List<String> attempts(JobStatus j) {
    return j.getTasksList().stream().map(t -> t.getTaskId() + " " + t.getState() + " attempt "
        + t.getCurrentAttemptId() + " of " + t.getAttemptsCount()).toList();
  }

  private List<WorkerHealthStatus> workers() throws Exception {
    return await(api.listWorkers(Controller.ListWorkersRequest.getDefaultInstance())).getWorkersList();
  }

  private String get(String uri) throws Exception {
    io.vertx.core.http.HttpClient http = vertx.createHttpClient();
    try {
      return await(http.request(HttpMethod.GET, node.port(), "127.0.0.1", uri)
          .compose(r -> r.send()).compose(r -> r.body())).toString();
    } finally {
      http.close(); // one connection per read, closed: polling loops must not pile up clients
    }
  }

  private JsonObject controllerJson() throws Exception {
    return new JsonObject(get("/api/controller"));
  }

  /** The value of an unlabelled sample on /metrics. */
  private double metric(String name) throws Exception {
    return StoreMetricsTest.sample(get("/metrics"), name);
  }
}
