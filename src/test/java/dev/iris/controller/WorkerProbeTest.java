package dev.iris.controller;

import static dev.iris.controller.ControllerGrpcTest.await;
import static dev.iris.controller.ControllerGrpcTest.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.controller.state.StoreConfig;
import dev.iris.link.GrpcControllerLink;
import dev.iris.node.ControllerNode;
import dev.iris.rpc.ClusterEvent;
import dev.iris.rpc.Controller;
import dev.iris.rpc.EventKind;
import dev.iris.rpc.WorkerMetadata;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A silent worker is probed; one whose address refuses connections is lost long before the heartbeat
 * timeout, one that accepts connections but does not answer is left to the timeout.
 */
class WorkerProbeTest {
  private Vertx vertx;
  private ControllerNode node;
  private GrpcControllerLink api;
  private ServerSocket mute;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    // a heartbeat timeout far beyond the test: only a probe can declare a worker lost here
    var store = new StoreConfig(60_000, StoreConfig.DEFAULT_START_CAPACITY, 1_000, 10_000, 300);
    node = await(ControllerNode.start(vertx, ControllerNode.Config.defaults("127.0.0.1", 0).withStore(store),
        Clock.systemUTC()));
    api = new GrpcControllerLink(GrpcClient.client(vertx), SocketAddress.inetSocketAddress(node.port(), "127.0.0.1"), 5_000);
    mute = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
  }

  @AfterEach
  void stop() throws Exception {
    mute.close();
    await(node.stop());
    await(vertx.close());
  }

  @Test
  void aWorkerWhoseAddressRefusesConnectionsIsLostWithinAProbe() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    List<ClusterEvent> seen = new CopyOnWriteArrayList<>();
    var stream = await(api.watchEvents(Controller.WatchEventsRequest.getDefaultInstance()));
    stream.handler(seen::add);
    register("gone", "127.0.0.1:" + closedPort);
    register("mute", "127.0.0.1:" + mute.getLocalPort());

    eventually(() -> lost(seen).contains("gone")); // within 10 s, against a 60 s heartbeat timeout
    ClusterEvent event = seen.stream().filter(e -> e.getKind() == EventKind.EVENT_KIND_WORKER_LOST).findFirst().orElseThrow();
    assertThat(event.getMessage()).contains("gone lost", "dead").containsIgnoringCase("connection refused");

    // the mute worker accepts connections, so its probes only time out: it is not known dead, the timeout decides
    Thread.sleep(1_000);
    assertThat(lost(seen)).containsExactly("gone");
    var workers = await(api.listWorkers(Controller.ListWorkersRequest.getDefaultInstance())).getWorkersList();
    assertThat(workers).filteredOn(w -> w.getWorkerId().equals("gone")).singleElement()
        .satisfies(w -> assertThat(w.getLost()).isTrue())
        .satisfies(w -> assertThat(w.getHealthy()).isFalse());
    assertThat(workers).filteredOn(w -> w.getWorkerId().equals("mute")).singleElement()
        .satisfies(w -> assertThat(w.getLost()).isFalse());
  }

  private static List<String> lost(List<ClusterEvent> events) {
    return events.stream().filter(e -> e.getKind() == EventKind.EVENT_KIND_WORKER_LOST)
        .map(ClusterEvent::getWorkerId).toList();
  }

  private void register(String id, String address) throws Exception {
    await(api.registerWorker(Controller.RegisterWorkerRequest.newBuilder().setWorkerId(id).setAddress(address)
        .setMetadata(WorkerMetadata.newBuilder().setCpuCount(2).setMemoryBytes(1L << 32)).build()));
  }
}
