package dev.iris.node;

import dev.iris.rpc.ControllerService;
import dev.iris.worker.WorkerConfig;
import dev.iris.worker.WorkerVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;

/** Deploys one worker on a Vert.x instance and undeploys it again (the worker's counterpart of ControllerNode). */
public final class WorkerNode {
  private final Vertx vertx;
  private final WorkerVerticle verticle;
  private String deployment;

  private WorkerNode(Vertx vertx, WorkerVerticle verticle) {
    this.vertx = vertx;
    this.verticle = verticle;
  }

  /**
   * Starts a worker talking to {@code controller} (an {@code EventBusControllerLink} in the controller's
   * JVM, a {@code GrpcControllerLink} otherwise). Completes once it serves; registration with the
   * controller continues in the background until the controller answers (see {@link #registered()}).
   */
  public static Future<WorkerNode> start(Vertx vertx, WorkerConfig config, ControllerService controller) {
    WorkerNode node = new WorkerNode(vertx, new WorkerVerticle(config, controller, Clock.systemUTC()));
    return vertx.deployVerticle(node.verticle).map(id -> {
      node.deployment = id;
      return node;
    });
  }

  /** The port of the worker's gRPC server; -1 for a worker reachable only over the event bus. */
  public int port() {
    return verticle.actualPort();
  }

  /** The address the worker registers with: {@code bus://<id>} or {@code host:port}. */
  public String address() {
    return verticle.address();
  }

  /** Completes once the controller accepted the worker's first registration. */
  public Future<Void> registered() {
    return verticle.registered();
  }

  /**
   * Completes, with the controller's reason, when the worker gave up registering because the controller kept
   * refusing its id (another live worker holds it); the process running it should then stop. Never fails.
   */
  public Future<String> refused() {
    return verticle.refused();
  }

  /** Kills the worker's running tasks and undeploys it. */
  public Future<Void> stop() {
    if (deployment == null) {
      return Future.succeededFuture();
    }
    String id = deployment;
    deployment = null;
    return vertx.undeploy(id);
  }
}
