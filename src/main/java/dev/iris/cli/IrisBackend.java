package dev.iris.cli;

import dev.iris.cli.request.StartControllerRequest;
import dev.iris.controller.ControllerNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
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

  static <T> T await(Future<T> f) throws InterruptedException, ExecutionException {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new ExecutionException("timed out", e);
    }
  }
}
