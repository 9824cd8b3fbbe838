package dev.iris.controller;

import dev.iris.common.LocalCodec;
import dev.iris.controller.state.ClusterState;
import dev.iris.controller.state.Mutation;
import dev.iris.controller.state.StoreConfig;
import dev.iris.controller.state.StoreEvent;
import dev.iris.controller.state.WorkerInstruction;
import dev.iris.core.Refusal;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of controller state. Applies each {@link Mutation} to {@link ClusterState}, then
 * publishes the committed events, hands worker commands to dispatch, and wakes the scheduler; answers each
 * {@link StoreQuery} from the same state, on the same thread. A short tick ({@link Mutation.Tick}) declares
 * silent workers lost (or has them probed first), expires scheduling timeouts and forgets old jobs.
 */
public final class StateStoreVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(StateStoreVerticle.class);
  private final ClusterState state;
  private final Clock clock;
  private final long tickMs;

  public StateStoreVerticle(StoreConfig config, Clock clock, long tickMs, ControllerMetrics metrics) {
    this.state = new ClusterState(config);
    this.state.observe(metrics);
    this.clock = clock;
    this.tickMs = tickMs;
  }

  @Override
  public Future<?> start() {
    registerCodecs();
    vertx.eventBus().localConsumer(Addresses.STORE, this::handle);
    vertx.setPeriodic(tickMs, id -> apply(new Mutation.Tick()));
    return Future.succeededFuture();
  }

  private void registerCodecs() {
    LocalCodec.register(vertx);
  }

  private void handle(Message<Object> msg) {
    Object value;
    try {
      value = run(msg.body());
    } catch (RuntimeException e) {
      if (!(e instanceof Refusal)) { // a refusal (not found, not allowed, ...) answers the request: no failure
        LOG.error("store command {} failed", msg.body().getClass().getSimpleName(), e);
      }
      msg.reply(new StoreClient.StoreReply(null, e), LocalCodec.OPTIONS);
      return;
    }
    msg.reply(new StoreClient.StoreReply(value, null), LocalCodec.OPTIONS);
  }

  private Object run(Object command) {
    if (command instanceof Mutation<?> mutation) {
      return apply(mutation);
    }
    if (command instanceof StoreQuery<?> query) {
      return query.readFrom(state);
    }
    throw new IllegalArgumentException("not a store command: " + command);
  }

  /**
   * The commit point: the mutation is applied, then what it produced leaves the outbox (also when it
   * failed half-way, so that nothing it committed stays untold).
   */
  private <R> R apply(Mutation<R> mutation) {
    try {
      return mutation.applyTo(state, clock.millis());
    } finally {
      flush();
    }
  }

  private void flush() {
    if (state.outbox().isEmpty()) {
      return;
    }
    ClusterState.Drained d = state.outbox().drain();
    EventBus bus = vertx.eventBus();
    for (StoreEvent e : d.events()) {
      bus.publish(Addresses.EVENTS, e, LocalCodec.OPTIONS);
    }
    for (WorkerInstruction c : d.commands()) {
      bus.send(Addresses.DISPATCH, c, LocalCodec.OPTIONS);
    }
    for (ClusterState.WorkerProbe p : d.probes()) {
      bus.send(Addresses.PROBE, p, LocalCodec.OPTIONS);
    }
    if (d.wakeScheduler()) {
      bus.publish(Addresses.SCHEDULER_WAKE, Boolean.TRUE);
    }
  }
}
