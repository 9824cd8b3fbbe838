package dev.iris.controller;

import static dev.iris.controller.ControllerGrpcTest.await;
import static dev.iris.controller.ControllerGrpcTest.eventually;
import static dev.iris.controller.ControllerGrpcTest.launch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iris.controller.state.StoreConfig;
import dev.iris.link.EventBusControllerLink;
import dev.iris.link.GrpcControllerLink;
import dev.iris.node.ControllerNode;
import dev.iris.rpc.ClusterEvent;
import dev.iris.rpc.Controller;
import dev.iris.rpc.JobState;
import dev.iris.rpc.JobStatus;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A controller with a state directory keeps its jobs, tasks, attempts and events across a restart. */
class DurableControllerTest {
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

  private ControllerNode start(Vertx vertx, Path dir) throws Exception {
    ControllerNode node = await(ControllerNode.start(vertx, ControllerNode.Config.defaults("127.0.0.1", 0)
        .withStore(STORE).withStateDir(Optional.of(dir)), Clock.systemUTC()));
    nodes.add(node);
    return node;
  }

  private Vertx vertx() {
    Vertx v = Vertx.vertx();
    vertxes.add(v);
    return v;
  }

  private static GrpcControllerLink api(Vertx vertx, ControllerNode node) {
    return new GrpcControllerLink(GrpcClient.client(vertx), SocketAddress.inetSocketAddress(node.port(), "127.0.0.1"),
        5_000);
  }

  @Test
  void jobsTasksAttemptsAndEventsSurviveARestart() throws Exception {
    Path dir = tmp.resolve("state");
    Vertx v1 = vertx();
    ControllerNode first = start(v1, dir);
    GrpcControllerLink api = api(v1, first);
    FakeWorker w = await(new FakeWorker(v1, new EventBusControllerLink(v1.eventBus(), 5_000), "w1", 4, Map.of())
        .start());
    String done = await(api.launchJob(launch("done", 3, 1))).getJobId();
    eventually(() -> status(api, done).getState() == JobState.JOB_STATE_SUCCEEDED);
    String pending = await(api.launchJob(launch("pending", 2, 64))).getJobId(); // too big: stays pending
    w.stopHeartbeats();
    JobStatus doneBefore = status(api, done);
    JobStatus pendingBefore = status(api, pending);
    List<String> eventsBefore = events(api);
    assertThat(eventsBefore).isNotEmpty();
    assertThat(doneBefore.getTasksList()).allMatch(t -> t.getCurrentAttemptId() >= 0 && t.getAttemptsCount() > 0);

    await(first.stop());
    nodes.remove(first);
    await(v1.close());
    vertxes.remove(v1);

    Vertx v2 = vertx();
    ControllerNode second = start(v2, dir);
    GrpcControllerLink api2 = api(v2, second);
    assertThat(summary(status(api2, done))).isEqualTo(summary(doneBefore));
    assertThat(summary(status(api2, pending))).isEqualTo(summary(pendingBefore));
    List<String> eventsAfter = events(api2);
    assertThat(eventsAfter).startsWith(eventsBefore.toArray(String[]::new));
    // a new job after the restart: ids and the event sequence carry on
    await(api2.launchJob(launch("later", 1, 64)));
    assertThat(summary(status(api2, "later"))).isNotEmpty();
  }

  @Test
  void workersGetAWorkerTimeoutOfGraceAfterTheDowntime() throws Exception {
    StoreConfig store = new StoreConfig(2_000, StoreConfig.DEFAULT_START_CAPACITY, 1_000, 10_000);
    Path dir = tmp.resolve("state");
    try (java.net.ServerSocket mute = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      Vertx v1 = vertx();
      ControllerNode first = await(ControllerNode.start(v1, ControllerNode.Config.defaults("127.0.0.1", 0)
          .withStore(store).withStateDir(Optional.of(dir)), Clock.systemUTC()));
      await(api(v1, first).registerWorker(Controller.RegisterWorkerRequest.newBuilder().setWorkerId("w")
          .setAddress("127.0.0.1:" + mute.getLocalPort()).setMetadata(dev.iris.rpc.WorkerMetadata.newBuilder()
              .setCpuCount(2).setMemoryBytes(1L << 32)).build()));
      await(first.stop());
      Thread.sleep(2_500); // down longer than the worker timeout

      Vertx v2 = vertx();
      ControllerNode second = await(ControllerNode.start(v2, ControllerNode.Config.defaults("127.0.0.1", 0)
          .withStore(store).withStateDir(Optional.of(dir)), Clock.systemUTC()));
      nodes.add(second);
      GrpcControllerLink api2 = api(v2, second);
      Thread.sleep(500); // a few ticks
      assertThat(await(api2.listWorkers(Controller.ListWorkersRequest.getDefaultInstance())).getWorkersList())
          .singleElement().satisfies(w -> assertThat(w.getLost()).as("lost right after the restart").isFalse());
      eventually(() -> await(api2.listWorkers(Controller.ListWorkersRequest.getDefaultInstance())).getWorkers(0)
          .getLost()); // but a worker timeout later, still silent, it is
    }
  }

  @Test
  void aSecondControllerOnTheSameDirectoryFailsAtOnce() throws Exception {
    Path dir = tmp.resolve("state");
    start(vertx(), dir);
    Vertx v2 = vertx();
    assertThatThrownBy(() -> await(ControllerNode.start(v2, ControllerNode.Config.defaults("127.0.0.1", 0)
        .withStore(STORE).withStateDir(Optional.of(dir)), Clock.systemUTC())))
        .hasMessageContaining("state directory").hasMessageContaining(dir.getFileName().toString());
  }

  @Test
  void anotherStoreConfigIsTakenUpAtARestartAndTheStateKept() throws Exception {
    Path dir = tmp.resolve("state");
    Vertx v1 = vertx();
    ControllerNode first = start(v1, dir);
    String pending = await(api(v1, first).launchJob(launch("pending", 2, 64))).getJobId();
    for (int i = 0; i < 4; i++) {
      await(api(v1, first).launchJob(launch("more-" + i, 1, 64)));
    }
    JobStatus before = status(api(v1, first), pending);
    assertThat(events(api(v1, first))).hasSize(5);
    await(first.stop());
    nodes.remove(first);

    Vertx v2 = vertx();
    ControllerNode second = await(ControllerNode.start(v2, ControllerNode.Config.defaults("127.0.0.1", 0)
        .withStore(new StoreConfig(900, 4, 1_000, 3)).withStateDir(Optional.of(dir)), Clock.systemUTC()));
    nodes.add(second);
    GrpcControllerLink api2 = api(v2, second);
    assertThat(summary(status(api2, pending))).isEqualTo(summary(before));
    assertThat(events(api2)).as("the newest 3 events kept from now on").hasSize(3)
        .allMatch(e -> e.contains("more-"));
  }

  private static JobStatus status(GrpcControllerLink api, String id) throws Exception {
    return await(api.getJobStatus(Controller.GetJobStatusRequest.newBuilder().setJobId(id).setIncludeTasks(true)
        .build())).getJob();
  }

  private static List<String> summary(JobStatus j) {
    List<String> out = new ArrayList<>();
    out.add(j.getJobId() + " " + j.getState());
    j.getTasksList().forEach(t -> out.add(t.getTaskId() + " " + t.getState() + " attempt " + t.getCurrentAttemptId()
        + " of " + t.getAttemptsCount()));
    return out;
  }

  private static List<String> events(GrpcControllerLink api) throws Exception {
    List<ClusterEvent> seen = new CopyOnWriteArrayList<>();
    var stream = await(api.watchEvents(Controller.WatchEventsRequest.newBuilder().setFromSequence(0).build()));
    stream.handler(seen::add);
    Thread.sleep(500);
    stream.pause();
    return seen.stream().map(e -> e.getSequence() + " " + e.getKind() + " " + e.getJobId() + " " + e.getTaskId())
        .toList();
  }
}
