package dev.iris.controller;

import dev.iris.common.LocalCodec;
import dev.iris.controller.state.Mutation;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;

/**
 * Sends {@link Mutation}s and {@link StoreQuery}s to the state store and returns their typed answers.
 * Both travel on one address, so the store answers them in the order they were sent.
 */
public final class StoreClient {
  private static final DeliveryOptions OPTIONS = LocalCodec.options().setSendTimeout(30_000);
  private final Vertx vertx;

  public StoreClient(Vertx vertx) {
    this.vertx = vertx;
    LocalCodec.register(vertx);
  }

  /** Applies a change; completes once it is committed (its events are published by then). */
  public <R> Future<R> apply(Mutation<R> mutation) {
    return send(mutation);
  }

  /** Reads the state. */
  public <R> Future<R> read(StoreQuery<R> query) {
    return send(query);
  }

  /** What the store tells about itself: when it started, what it recovered, whether it can store changes now. */
  public Future<StoreStatus> status() {
    return send(StoreStatus.Get.INSTANCE);
  }

  /** The store answers a {@code Mutation<R>} or {@code StoreQuery<R>} with an {@code R}: the one cast. */
  @SuppressWarnings("unchecked")
  private <R> Future<R> send(Object command) {
    return vertx.eventBus().<StoreReply>request(Addresses.STORE, command, OPTIONS).compose(msg -> {
      StoreReply reply = msg.body();
      return reply.error() != null ? Future.failedFuture(reply.error()) : Future.succeededFuture((R) reply.value());
    });
  }

  /** The store's answer: a value or the exception the command threw. */
  public record StoreReply(Object value, RuntimeException error) {}
}
