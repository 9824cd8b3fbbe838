package dev.iris.controller;

import dev.iris.controller.state.StoreEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.List;

/**
 * Follows the committed events from a sequence: first the events the store retains after it, then live
 * ones as they are published, each exactly once and in sequence order. Behind both the gRPC watch
 * ({@code api.EventWatch}) and the dashboard's WebSocket feed.
 *
 * <p>The live consumer is registered before the store is asked, so no event falls between the replay and
 * the live stream: live events that arrive while the store answers are held back until the replay is
 * delivered, and an event at or before the last one delivered is dropped. A follower runs on the context
 * that started it; its event-bus consumer lives until it is {@linkplain Subscription#close closed}.
 */
public final class EventReplay {
  private final Vertx vertx;
  private final StoreClient store;

  public EventReplay(Vertx vertx, StoreClient store) {
    this.vertx = vertx;
    this.store = store;
  }

  /** What a follower is told, in this order: started, events, caught up, then live events; or failed. */
  public interface Listener {
    /** The store said where to start: the replayed events follow (none after a reset). */
    default void started(StoreQuery.Replay replay) {}

    /** The next event. */
    void event(StoreEvent e);

    /** The replay, and the live events held back during it, have been delivered; live ones follow. */
    default void caughtUp() {}

    /** The store could not say where to start; nothing will be delivered. */
    void failed(Throwable cause);
  }

  /**
   * Starts following as {@code from} says. Delivery resumes after {@code from.after()}, or after the last
   * committed sequence when following from now or after a reset.
   */
  public Subscription follow(StoreQuery.ReplayEvents from, Listener listener) {
    Subscription s = new Subscription(listener);
    s.begin(from);
    return s;
  }

  /** One follower. */
  public final class Subscription {
    private final Listener listener;
    private final List<StoreEvent> heldBack = new ArrayList<>();
    private MessageConsumer<StoreEvent> consumer;
    private long last;
    private boolean replayed;
    private boolean closed;

    private Subscription(Listener listener) {
      this.listener = listener;
    }

    private void begin(StoreQuery.ReplayEvents from) {
      consumer = vertx.eventBus().localConsumer(Addresses.EVENTS, m -> {
        if (replayed) {
          deliver(m.body());
        } else {
          heldBack.add(m.body());
        }
      });
      consumer.completion()
          .compose(v -> store.read(from))
          .onSuccess(replay -> {
            if (closed) {
              return;
            }
            last = replay.reset() || from.after() < 0 ? replay.lastSequence() : from.after();
            listener.started(replay);
            replay.events().forEach(this::deliver);
            replayed = true;
            heldBack.forEach(this::deliver);
            heldBack.clear();
            if (!closed) {
              listener.caughtUp();
            }
          })
          .onFailure(t -> {
            if (!closed) {
              listener.failed(t);
            }
          });
    }

    private void deliver(StoreEvent e) {
      if (closed || e.sequence() <= last) {
        return;
      }
      last = e.sequence();
      listener.event(e);
    }

    /** Stops delivery and releases the event-bus consumer. */
    public Future<Void> close() {
      if (closed) {
        return Future.succeededFuture();
      }
      closed = true;
      return consumer.unregister();
    }
  }
}
