package dev.iris.testing;

import dev.iris.common.GrpcClients;
import dev.iris.common.Tls;
import dev.iris.controller.ControllerAuth;
import dev.iris.controller.state.StoreConfig;
import dev.iris.link.GrpcControllerLink;
import dev.iris.node.ControllerNode;
import dev.iris.node.WorkerNode;
import dev.iris.worker.WorkerConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A durable controller that a test stops and starts again on the same state directory and port, with
 * authentication on (one admin token), and one real worker in a Vert.x of its own that reaches it over gRPC,
 * as a separate worker process would, so that the worker and its tasks live through the controller's
 * restart. {@link #close} stops everything and deletes the directory.
 */
public final class RestartableCluster implements AutoCloseable {
  private final Path dir;
  private final int port;
  private final String token = "restart-test-admin-token-0123456789";
  private final StoreConfig store = new StoreConfig(10_000, StoreConfig.DEFAULT_START_CAPACITY, 1_000, 10_000);
  private Vertx controllerVertx;
  private ControllerNode controller;
  private Vertx workerVertx;
  private WorkerNode worker;

  /** A cluster whose controller is not started yet. */
  public RestartableCluster() {
    try {
      dir = Files.createTempDirectory("iris-restart-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    port = freePort();
  }

  /** The controller's address, {@code 127.0.0.1:port}, the same across restarts. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** The cluster's admin token. */
  public String token() {
    return token;
  }

  /** Where the controller keeps its journal. */
  public Path stateDir() {
    return dir.resolve("state");
  }

  /** Starts the controller on the state directory (replaying it when a run before left one). */
  public RestartableCluster startController() {
    if (controller != null) {
      throw new IllegalStateException("the controller is running");
    }
    Vertx v = Vertx.vertx();
    // made afresh, as a new controller process does: the keys of its calls to workers are new
    ControllerAuth auth = ControllerAuth.of(token, List.of());
    try {
      controller = await(ControllerNode.start(v, ControllerNode.Config.defaults("127.0.0.1", port).withStore(store)
          .withAuth(auth).withStateDir(Optional.of(stateDir())), Clock.systemUTC()));
    } catch (RuntimeException e) {
      await(v.close());
      throw e;
    }
    controllerVertx = v;
    return this;
  }

  /** Stops the controller as its process would end: its port closes, its state stays in the directory. */
  public RestartableCluster stopController() {
    if (controller != null) {
      try {
        await(controller.stop());
      } finally {
        await(controllerVertx.close());
        controller = null;
        controllerVertx = null;
      }
    }
    return this;
  }

  /** Starts the worker (once), registered with the controller over gRPC with the admin token. */
  public RestartableCluster startWorker() {
    Vertx v = Vertx.vertx();
    workerVertx = v;
    GrpcControllerLink link = new GrpcControllerLink(GrpcClients.create(v, Tls.NONE),
        SocketAddress.inetSocketAddress(port, "127.0.0.1"), 5_000, token());
    WorkerConfig config = WorkerConfig.defaults("w1", dir.resolve("worker")).withServer("127.0.0.1", 0, "127.0.0.1")
        .withCapacity(4, 4L << 30, 4L << 30).withControllerAddress(address()).withToken(token());
    worker = await(WorkerNode.start(v, config, link));
    await(worker.registered());
    return this;
  }

  @Override
  public void close() {
    try {
      if (worker != null) {
        await(worker.stop());
      }
    } finally {
      try {
        if (workerVertx != null) {
          await(workerVertx.close());
        }
      } finally {
        try {
          stopController();
        } finally {
          deleteRecursively(dir);
        }
      }
    }
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
      throw new IllegalStateException(cause.getMessage(), cause);
    }
  }

  private static int freePort() {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteRecursively(Path root) {
    try (Stream<Path> all = Files.walk(root)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
