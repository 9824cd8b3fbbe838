package dev.iris.worker;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;

/**
 * Runs blocking work off the event loop and brings results back to one context (the worker verticle's),
 * so that everything touching the verticle's state runs on that context.
 */
final class ContextOps {
  private final Context context;

  ContextOps(Context context) {
    this.context = context;
  }

  /** Runs {@code work} on a worker thread (unordered: blocking calls of different attempts overlap). */
  <T> Future<T> blocking(Callable<T> work) {
    return context.executeBlocking(work, false);
  }

  /** The outcome of a runtime future, delivered on the context. */
  <T> Future<T> here(CompletionStage<T> stage) {
    return Future.fromCompletionStage(stage, context);
  }

  /** The outcome of a future that may complete elsewhere (e.g. a gRPC client's loop), on the context. */
  <T> Future<T> here(Future<T> future) {
    return Future.fromCompletionStage(future.toCompletionStage(), context);
  }
}
