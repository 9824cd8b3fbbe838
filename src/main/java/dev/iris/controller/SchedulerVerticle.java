package dev.iris.controller;

import dev.iris.common.RpcException;
import dev.iris.controller.state.ClusterState.SchedulingInput;
import dev.iris.controller.state.Mutation;
import dev.iris.scheduler.Plan;
import dev.iris.scheduler.Scheduler;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.grpc.common.GrpcStatus;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs scheduling passes: takes a snapshot from the store, runs the pure {@link Scheduler} off the event
 * loop, and sends the plan back to the store to re-check and commit. Wake-ups arriving during a pass are
 * coalesced into one more pass, so a burst of submissions costs a handful of passes; a slow tick catches
 * anything a wake-up missed.
 */
public final class SchedulerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(SchedulerVerticle.class);
  private final Scheduler scheduler = new Scheduler();
  private final long tickMs;
  private final AtomicLong passes = new AtomicLong();
  private StoreClient store;
  private boolean running;
  private boolean dirty;

  private final ControllerMetrics metrics;

  public SchedulerVerticle(long tickMs, ControllerMetrics metrics) {
    this.tickMs = tickMs;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    store = new StoreClient(vertx);
    vertx.eventBus().localConsumer(Addresses.SCHEDULER_WAKE, msg -> requestPass());
    vertx.setPeriodic(tickMs, id -> requestPass());
    return Future.succeededFuture();
  }

  /** Passes run so far (a pass with nothing pending counts too). */
  public long passes() {
    return passes.get();
  }

  private void requestPass() {
    if (running) {
      dirty = true;
      return;
    }
    running = true;
    dirty = false;
    long started = System.nanoTime();
    pass().onComplete(ar -> {
      passes.incrementAndGet();
      if (ar.succeeded() && ar.result() != null) {
        metrics.schedulingPass(System.nanoTime() - started, ar.result().planned(), ar.result().committed());
      }
      if (ar.failed() && ar.cause() instanceof RpcException r && r.status() == GrpcStatus.UNAVAILABLE) {
        LOG.debug("scheduling pass refused: {}", r.getMessage()); // the store said why, once
      } else if (ar.failed()) {
        LOG.warn("scheduling pass failed: {}", ar.cause().toString());
      }
      running = false;
      if (dirty) {
        requestPass();
      }
    });
  }

  /** What a pass that had work did: assignments planned, and how many of them the store committed. */
  private record Round(int planned, int committed) {}

  /** Runs one pass; completes with null when there was nothing to schedule (such passes are not measured). */
  private Future<Round> pass() {
    return store.read(new StoreQuery.GetSchedulingInput())
        .compose(this::plan)
        .compose(plan -> plan.assignments().isEmpty() && plan.pendingReasons().isEmpty()
            ? Future.succeededFuture((Round) null)
            : store.apply(new Mutation.CommitPlan(plan))
                .map(committed -> new Round(plan.assignments().size(), committed)));
  }

  private Future<Plan> plan(SchedulingInput input) {
    if (input.queue().isEmpty()) {
      return Future.succeededFuture(new Plan(List.of(), Map.of()));
    }
    return vertx.executeBlocking(() -> scheduler.schedule(input.queue(), input.workers()), false);
  }
}
