package dev.iris.controller;

import static dev.iris.controller.ControllerGrpcTest.await;
import static dev.iris.controller.ControllerGrpcTest.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.controller.state.StoreConfig;
import dev.iris.link.EventBusControllerLink;
import dev.iris.link.GrpcControllerLink;
import dev.iris.node.ControllerNode;
import dev.iris.node.WorkerNode;
import dev.iris.rpc.Controller;
import dev.iris.worker.WorkerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CPU-starvation case: the store's event loop is blocked on purpose for 3.5 s (a clock that sleeps on the store's
 * thread when armed), far beyond the 2.5 s worker timeout, while three workers heartbeat every second. The store's
 * next tick comes that much late, the stall does not count as the workers' silence, and no worker is lost.
 */
class ControllerStallTest {
  @TempDir Path dirs;
  private final Vertx vertx = Vertx.vertx();
  private final List<WorkerNode> workers = new ArrayList<>();
  private ControllerNode node;

  /** The system clock, except that its first read after {@link #stallNext} blocks the reading thread 3.5 s. */
  private static final class StallingClock extends Clock {
    final AtomicBoolean armed = new AtomicBoolean();
    volatile boolean stalled;

    void stallNext() {
      armed.set(true);
    }

    @Override
    public long millis() {
      if (armed.compareAndSet(true, false)) {
        try {
          Thread.sleep(3_500); // on the store's event loop: it is the clock's only reader
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        stalled = true;
      }
      return System.currentTimeMillis();
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
      return ZoneId.of("UTC");
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }

  @AfterEach
  void stop() throws Exception {
    for (WorkerNode w : workers) {
      await(w.stop());
    }
    if (node != null) {
      await(node.stop());
    }
    await(vertx.close());
  }

  @Test
  void aControllerStallLosesNoWorker() throws Exception {
    StallingClock clock = new StallingClock();
    var store = new StoreConfig(2_500, StoreConfig.DEFAULT_START_CAPACITY, 300, 10_000); // no leases: lost at 2.5 s
    node = await(ControllerNode.start(vertx, ControllerNode.Config.defaults("127.0.0.1", 0).withStore(store), clock));
    for (int i = 0; i < 3; i++) {
      WorkerNode w = await(WorkerNode.start(vertx, WorkerConfig.defaults("w" + i, dirs.resolve("w" + i)),
          new EventBusControllerLink(vertx.eventBus(), 10_000)));
      await(w.registered());
      workers.add(w);
    }
    GrpcClient grpc = GrpcClient.client(vertx);
    var api = new GrpcControllerLink(grpc, SocketAddress.inetSocketAddress(node.port(), "127.0.0.1"), 10_000);
    try {
      List<dev.iris.rpc.ClusterEvent> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
      var stream = await(api.watchEvents(Controller.WatchEventsRequest.getDefaultInstance()));
      stream.handler(seen::add);
      Thread.sleep(1_500); // a few heartbeats
      clock.stallNext();
      eventually(() -> clock.stalled);
      Thread.sleep(1_500); // ticks after the stall, before the workers' next heartbeats could have been late
      var listed = await(api.listWorkers(Controller.ListWorkersRequest.getDefaultInstance())).getWorkersList();
      assertThat(listed).hasSize(3).allSatisfy(w -> assertThat(w.getLost()).as(w.getWorkerId()).isFalse());
      assertThat(seen).as("no worker lost, not even for a moment")
          .noneMatch(e -> e.getKind() == dev.iris.rpc.EventKind.EVENT_KIND_WORKER_LOST);
    } finally {
      grpc.close();
    }
  }
}
