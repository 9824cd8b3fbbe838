package dev.iris.cli;

import dev.iris.cli.request.StartControllerRequest;
import dev.iris.cli.request.StartWorkerRequest;
import dev.iris.controller.ControllerNode;
import dev.iris.link.GrpcControllerLink;
import dev.iris.worker.WorkerConfig;
import dev.iris.worker.WorkerNode;
import dev.iris.worker.ports.PortAllocator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The backend of the real {@code iris} command: runs the controller in this process. Commands whose
 * machinery has not landed yet still answer from {@link NotAvailableBackend}.
 */
public class IrisBackend extends NotAvailableBackend {

  @Override
  public int startController(StartControllerRequest request, CliOutput output) {
    Vertx vertx = Vertx.vertx();
    ControllerNode node;
    try {
      node = await(ControllerNode.start(vertx, ControllerNode.Config.defaults(request.host(), request.port()),
          Clock.systemUTC()));
    } catch (ExecutionException | InterruptedException e) {
      vertx.close();
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw CliException.failure("cannot start the controller on " + request.host() + ":" + request.port()
          + ": " + cause.getMessage());
    }
    output.out().println("iris controller listening on " + request.host() + ":" + node.port()
        + " (gRPC and HTTP); Ctrl+C stops it");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        await(node.stop().compose(v -> vertx.close()));
      } catch (Exception ignored) {
        // exiting anyway
      } finally {
        stopped.countDown();
      }
    }, "iris-controller-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return ExitCodes.OK;
  }

  @Override
  public int startWorker(StartWorkerRequest request, CliOutput output) {
    String workerId = request.workerId().orElseGet(() -> WorkerConfig.defaultWorkerId(request.port()));
    Path workDir = request.workDir()
        .orElseGet(() -> Path.of(System.getProperty("java.io.tmpdir"), "iris-worker-" + workerId));
    WorkerConfig config = new WorkerConfig(workerId, request.host(), request.port(),
        WorkerConfig.advertiseHostFor(request.host()), workDir,
        request.cpu().isPresent() ? request.cpu().getAsInt() : null,
        request.memoryBytes().isPresent() ? request.memoryBytes().getAsLong() : null,
        request.diskBytes().isPresent() ? request.diskBytes().getAsLong() : null,
        request.attributes(), request.controller().toString(), PortAllocator.DEFAULT_FROM, PortAllocator.DEFAULT_TO);
    Vertx vertx = Vertx.vertx();
    GrpcClient client = GrpcClient.client(vertx);
    GrpcControllerLink controller = new GrpcControllerLink(client,
        SocketAddress.inetSocketAddress(request.controller().port(), request.controller().host()), 10_000);
    WorkerNode node;
    try {
      node = await(WorkerNode.start(vertx, config, controller));
    } catch (ExecutionException | InterruptedException e) {
      vertx.close();
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw CliException.failure("cannot start worker " + workerId + " on " + request.host() + ":" + request.port()
          + ": " + cause.getMessage());
    }
    output.out().println("iris worker " + workerId + " serving on " + request.host() + ":" + node.port()
        + ", controller " + request.controller());
    output.out().flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        await(node.stop()); // kills the running tasks
        await(vertx.close()); // from this thread: a close composed on an event loop never reports back
      } catch (Exception ignored) {
        // exiting anyway
      } finally {
        stopped.countDown();
      }
    }, "iris-worker-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return ExitCodes.OK;
  }

  static <T> T await(Future<T> f) throws InterruptedException, ExecutionException {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new ExecutionException("timed out", e);
    }
  }
}
