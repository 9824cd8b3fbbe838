package dev.iris.controller;

import dev.iris.common.LocalCodec;
import dev.iris.common.RpcException;
import dev.iris.common.Tls;
import dev.iris.controller.state.AcceptMark;
import dev.iris.controller.state.ClusterState;
import dev.iris.controller.state.Mutation;
import dev.iris.controller.state.WorkerInstruction;
import dev.iris.link.WorkerLinks;
import dev.iris.rpc.Empty;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.grpc.common.GrpcStatus;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers worker commands the store committed. RunTask is sent with a timeout and bounded retries with
 * backoff (a worker answers a repeated RunTask of an attempt it has as it answered the first); the
 * worker's acceptance mark goes back to the store, and a final failure is reported to the store as a
 * delivery failure (the task goes back to PENDING without using a retry budget, the worker becomes
 * suspect). How many RunTasks are outstanding per worker is bounded by the store: it assigns a worker no
 * more than its start slots. Kills are retried the same way; a worker
 * that no longer knows the task has nothing left to kill. Silent workers the store wants probed get a
 * health check.
 */
public final class DispatchVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(DispatchVerticle.class);
  private final DispatchConfig config;
  private WorkerLinks links;
  private StoreClient store;

  /** Timeouts and retry policy of deliveries. */
  public record DispatchConfig(long callTimeoutMs, int attempts, long firstBackoffMs) {
    public static final DispatchConfig DEFAULT = new DispatchConfig(5_000, 3, 100);
  }

  private final ControllerMetrics metrics;

  private final ControllerAuth auth;
  /** How workers are called: over TLS, verified against a CA, or in plaintext. */
  private final Tls workerTls;

  /**
   * @param auth gives each call to a worker that worker's token, and mints each task's token
   * @param workerTls how workers are called: over TLS, verified against a CA, or in plaintext
   */
  public DispatchVerticle(DispatchConfig config, ControllerMetrics metrics, ControllerAuth auth, Tls workerTls) {
    this.auth = auth;
    this.config = config;
    this.metrics = metrics;
    this.workerTls = workerTls;
  }

  @Override
  public Future<?> start() {
    LocalCodec.register(vertx);
    links = new WorkerLinks(vertx, config.callTimeoutMs(), auth::workerToken, workerTls);
    store = new StoreClient(vertx);
    vertx.eventBus().<WorkerInstruction>localConsumer(Addresses.DISPATCH, msg -> deliver(msg.body()));
    vertx.eventBus().<ClusterState.WorkerProbe>localConsumer(Addresses.PROBE, msg -> probe(msg.body()));
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    links.close();
    return Future.succeededFuture();
  }

  private void deliver(WorkerInstruction cmd) {
    if (cmd instanceof WorkerInstruction.RunTask run) {
      var request = ProtoMapper.runTask(run, auth.taskToken(run.task().job(), run.spec().user()));
      long started = System.nanoTime();
      withRetries(() -> links.forWorker(run.workerId(), run.address()).runTask(request), config.attempts())
          .onComplete(ar -> metrics.dispatch(System.nanoTime() - started, ar.succeeded()))
          .onSuccess(answer -> {
            AcceptMark mark = new AcceptMark(answer.getIncarnation(), answer.getAcceptedSeq());
            store.apply(new Mutation.Delivered(run.task(), run.attemptId(), run.workerId(), mark));
          })
          .onFailure(t -> {
            // a refused connection proves the RunTask never arrived; a timeout or an error answer does not
            boolean mayHaveArrived = !(t instanceof RpcException r && r.unreachable());
            LOG.warn("RunTask {} attempt {} to {} failed: {}", run.task(), run.attemptId(), run.workerId(), t.getMessage());
            store.apply(new Mutation.DeliveryFailed(run.task(), run.attemptId(), run.workerId(),
                String.valueOf(t.getMessage()), mayHaveArrived));
          });
    } else if (cmd instanceof WorkerInstruction.KillTask kill) {
      var request = ProtoMapper.killTask(kill);
      withRetries(() -> links.forWorker(kill.workerId(), kill.address()).killTask(request).<Void>mapEmpty()
              .recover(t -> isStatus(t, GrpcStatus.NOT_FOUND) ? Future.succeededFuture() : Future.failedFuture(t)),
          config.attempts() + 2)
          .onComplete(ar -> {
            // a fence holds once the worker confirmed it, or when nothing listens there any more (refused: a worker
            // only cut off may have started the attempt, which then fails over once its lease ran out)
            if (kill.fence() && (ar.succeeded() || (ar.cause() instanceof RpcException r && r.refused()))) {
              store.apply(new Mutation.Fenced(kill.task(), kill.attemptId(), kill.workerId()));
            }
          })
          .onFailure(t -> {
            if (t instanceof RpcException r && r.unreachable()) {
              // the worker's process is gone, and its attempts with it
              LOG.debug("KillTask {} attempt {} on {}: worker unreachable", kill.task(), kill.attemptId(), kill.workerId());
            } else {
              LOG.warn("KillTask {} attempt {} on {} failed: {}", kill.task(), kill.attemptId(), kill.workerId(),
                  t.getMessage());
            }
          });
    }
  }

  /**
   * Asks a silent worker for its health. Only a probe whose connection is refused (nothing listens at the
   * worker's address: its process is gone) tells the store the worker is dead; a probe that times out (a cut
   * network, a stopped host) or a slow or failing answer proves nothing, and the worker's lease decides.
   */
  private void probe(ClusterState.WorkerProbe probe) {
    links.forWorker(probe.workerId(), probe.address()).healthCheck(Empty.getDefaultInstance())
        .onFailure(t -> {
          if (t instanceof RpcException r && r.refused()) {
            store.apply(new Mutation.WorkerUnreachable(probe.workerId(), r.getMessage()));
          }
        });
  }

  private <T> Future<T> withRetries(Supplier<Future<T>> call, int attemptsLeft) {
    return retry(call, attemptsLeft, config.firstBackoffMs());
  }

  /** Retries failures a retry can fix; a refusal (invalid, or fenced on the worker) is final. */
  private <T> Future<T> retry(Supplier<Future<T>> call, int attemptsLeft, long backoffMs) {
    return call.get().recover(t -> {
      if (attemptsLeft <= 1 || isStatus(t, GrpcStatus.INVALID_ARGUMENT) || isStatus(t, GrpcStatus.FAILED_PRECONDITION)) {
        return Future.failedFuture(t);
      }
      Promise<T> later = Promise.promise();
      vertx.setTimer(backoffMs, id -> retry(call, attemptsLeft - 1, backoffMs * 2).onComplete(later));
      return later.future();
    });
  }

  private static boolean isStatus(Throwable t, GrpcStatus status) {
    return t instanceof RpcException r && r.status() == status;
  }
}
