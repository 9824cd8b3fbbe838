package dev.iris.worker;

import dev.iris.common.RpcErrors;
import dev.iris.rpc.Controller;
import dev.iris.rpc.ControllerService;
import dev.iris.worker.bundle.BundleCache;
import io.vertx.core.Future;
import java.nio.file.Path;

/**
 * Puts a job's bundle into an attempt's working directory: fetched from the controller with GetBundle
 * unless cached by its hash, verified and cached, then unpacked safely (no entry may escape the
 * directory). File work runs off the event loop.
 */
final class BundleInstaller {
  private final ContextOps ops;
  private final BundleCache cache;
  private final ControllerService controller;
  private final WorkerMetrics metrics;

  BundleInstaller(ContextOps ops, BundleCache cache, ControllerService controller, WorkerMetrics metrics) {
    this.ops = ops;
    this.cache = cache;
    this.controller = controller;
    this.metrics = metrics;
  }

  /**
   * Installs the bundle into {@code dir}; completes with whether it came from the cache. Fails with a
   * {@link AttemptRunner.BuildFailure} when the controller cannot provide it, or with a
   * {@link dev.iris.worker.bundle.BundleException} when it is corrupt or unsafe.
   */
  Future<Boolean> install(String hash, Path dir) {
    return ops.blocking(() -> cache.contains(hash)).compose(cached -> {
      Future<Void> stored = cached ? Future.succeededFuture() : fetch(hash);
      return stored.compose(v -> ops.<Void>blocking(() -> {
        cache.unpack(hash, dir);
        return null;
      })).map(cached);
    }).andThen(ar -> {
      if (ar.succeeded()) {
        metrics.bundleInstalled(ar.result());
      } else {
        metrics.bundleFailed();
      }
    });
  }

  private Future<Void> fetch(String hash) {
    return ops.here(controller.getBundle(Controller.GetBundleRequest.newBuilder().setBundleHash(hash).build()))
        .recover(err -> Future.failedFuture(new AttemptRunner.BuildFailure(
            "cannot fetch bundle " + hash + " from the controller: " + RpcErrors.messageOf(err))))
        .compose(response -> ops.blocking(() -> {
          cache.store(hash, response.getBundleBlob().toByteArray());
          return null;
        }));
  }
}
