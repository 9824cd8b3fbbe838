package dev.iris.controller;

import static dev.iris.controller.ControllerGrpcTest.await;
import static dev.iris.controller.ControllerGrpcTest.eventually;
import static dev.iris.controller.ControllerGrpcTest.launch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.iris.controller.state.StoreConfig;
import dev.iris.core.JobState;
import dev.iris.core.TaskState;
import dev.iris.link.EventBusControllerLink;
import dev.iris.link.GrpcControllerLink;
import dev.iris.node.ControllerNode;
import dev.iris.rpc.Controller;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durable store on /metrics (journal commits, batch sizes, bytes, fsyncs, changes in flight, recovery) and the
 * controller's start on /api/controller, read the way Prometheus and the dashboard read them.
 */
class StoreMetricsTest {
  private static final StoreConfig STORE = new StoreConfig(600, StoreConfig.DEFAULT_START_CAPACITY, 1_000, 10_000);
  @TempDir
  Path tmp;
  private final List<Vertx> vertxes = new ArrayList<>();
  private final List<ControllerNode> nodes = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (ControllerNode n : nodes) {
      await(n.stop());
    }
    for (Vertx v : vertxes) {
      await(v.close());
    }
  }

  private ControllerNode start(Optional<Path> dir) throws Exception {
    Vertx v = Vertx.vertx();
    vertxes.add(v);
    ControllerNode node = await(ControllerNode.start(v, ControllerNode.Config.defaults("127.0.0.1", 0).withStore(STORE)
        .withStateDir(dir), Clock.systemUTC()));
    nodes.add(node);
    return node;
  }

  @Test
  void journalCommitsAndTheRecoveryAtStartAreOnMetrics() throws Exception {
    Path dir = tmp.resolve("state");
    long before = System.currentTimeMillis();
    ControllerNode first = start(Optional.of(dir));
    Vertx v1 = vertxes.get(0);
    GrpcControllerLink api = new GrpcControllerLink(GrpcClient.client(v1),
        SocketAddress.inetSocketAddress(first.port(), "127.0.0.1"), 5_000);
    await(new FakeWorker(v1, new EventBusControllerLink(v1.eventBus(), 5_000), "w1", 4, Map.of()).start());
    for (String name : List.of("a", "b", "c")) {
      await(api.launchJob(launch(name, 2, 1)));
    }
    eventually(() -> List.of("a", "b", "c").stream().allMatch(id -> {
      try {
        return await(api.getJobStatus(Controller.GetJobStatusRequest.newBuilder().setJobId(id).build())).getJob()
            .getState() == dev.iris.rpc.JobState.JOB_STATE_SUCCEEDED;
      } catch (Exception e) {
        return false;
      }
    }));

    String body = get(first, "/metrics");
    double commits = sample(body, "iris_journal_commit_seconds_count");
    assertThat(commits).as("commits").isPositive();
    assertThat(body).contains("iris_journal_commit_seconds_bucket{le=\"0.001\"}");
    assertThat(sample(body, "iris_journal_commit_records_sum")).as("records").isGreaterThanOrEqualTo(commits);
    assertThat(body).contains("iris_journal_commit_records_bucket{le=\"1.0\"}");
    assertThat(sample(body, "iris_journal_written_bytes_total")).isGreaterThan(1_000);
    assertThat(sample(body, "iris_journal_fsyncs_total")).isGreaterThanOrEqualTo(commits);
    assertThat(sample(body, "iris_store_durable_wait_seconds_count")).isPositive();
    assertThat(sample(body, "iris_journal_write_failures_total")).isZero();
    assertThat(sample(body, "iris_journal_append_failures_total")).isZero();
    assertThat(sample(body, "iris_store_journal_failed")).isZero();
    assertThat(sample(body, "iris_store_journal_reopens_total")).isZero();
    assertThat(sample(body, "iris_store_recovery_records")).as("a new directory: nothing to replay").isZero();
    assertThat(sample(body, "iris_controller_start_time_seconds") * 1000).isCloseTo(before, within(10_000.0));
    assertThat(sample(body, "iris_journal_snapshot_last_time_seconds")).isZero();
    assertThat(sample(body, "iris_journal_snapshot_seconds_count")).isZero();
    eventually(() -> sample(get(first, "/metrics"), "iris_store_mutations_in_flight") == 0.0);
    JsonObject started = new JsonObject(get(first, "/api/controller"));
    assertThat(started.getBoolean("durable")).isTrue();
    assertThat(started.getString("state_dir")).isEqualTo(dir.toString());
    assertThat(started.getLong("started_at_ms")).isBetween(before, System.currentTimeMillis());
    assertThat(started.getJsonObject("recovered").getInteger("jobs")).isZero();
    assertThat(started.getBoolean("writable")).isTrue();

    await(first.stop());
    nodes.clear();
    long restartedAt = System.currentTimeMillis();
    ControllerNode second = start(Optional.of(dir));
    String after = get(second, "/metrics");
    double replayed = sample(after, "iris_store_recovery_records");
    assertThat(replayed).as("records replayed").isGreaterThan(6);
    assertThat(sample(after, "iris_store_recovery_seconds")).isGreaterThan(0).isLessThan(10);
    JsonObject restarted = new JsonObject(get(second, "/api/controller"));
    assertThat(restarted.getLong("started_at_ms")).isGreaterThanOrEqualTo(restartedAt);
    JsonObject recovered = restarted.getJsonObject("recovered");
    assertThat(recovered.getInteger("jobs")).isEqualTo(3);
    assertThat(recovered.getInteger("workers")).isEqualTo(1);
    assertThat(recovered.getLong("records")).isEqualTo((long) replayed);
    assertThat(recovered.getLong("elapsed_ms")).isGreaterThanOrEqualTo(0);
  }

  @Test
  void aControllerInMemorySaysSo() throws Exception {
    ControllerNode node = start(Optional.empty());
    JsonObject status = new JsonObject(get(node, "/api/controller"));
    assertThat(status.getBoolean("durable")).isFalse();
    assertThat(status.getValue("recovered")).isNull();
    assertThat(status.getBoolean("writable")).isTrue();
    assertThat(sample(get(node, "/metrics"), "iris_controller_start_time_seconds")).isPositive();
  }

  @Test
  void aSnapshotTakenIsOnMetrics() {
    ControllerMetrics metrics = new ControllerMetrics();
    metrics.store().snapshotTaken(12_345, Duration.ofMillis(250));
    String body = metrics.scrape(new ControllerMetrics.Snapshot(new long[TaskState.values().length],
        new long[JobState.values().length], 0, 0));
    assertThat(sample(body, "iris_journal_snapshot_last_bytes")).isEqualTo(12_345);
    assertThat(sample(body, "iris_journal_snapshot_seconds_count")).isEqualTo(1);
    assertThat(sample(body, "iris_journal_snapshot_seconds_sum")).isEqualTo(0.25);
    assertThat(sample(body, "iris_journal_snapshot_last_time_seconds") * 1000)
        .isCloseTo(System.currentTimeMillis(), within(10_000.0));
  }

  private String get(ControllerNode node, String uri) throws Exception {
    Vertx v = vertxes.get(vertxes.size() - 1);
    io.vertx.core.http.HttpClient http = v.createHttpClient();
    try {
      return await(http.request(HttpMethod.GET, node.port(), "127.0.0.1", uri)
          .compose(r -> r.send()).compose(r -> r.body())).toString();
    } finally {
      http.close(); // one connection per read: an eventually() loop must not pile up clients and connections
    }
  }

  /** The value of the unlabelled sample {@code name} in Prometheus text; fails when there is none. */
  static double sample(String body, String name) {
    return body.lines().filter(l -> l.startsWith(name + " ")).mapToDouble(l -> Double.parseDouble(
        l.substring(name.length() + 1).trim())).findFirst().orElseThrow(() -> new AssertionError(
        "no sample " + name + " in:\n" + body));
  }
}
