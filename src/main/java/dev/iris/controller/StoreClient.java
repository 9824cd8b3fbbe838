package dev.iris.controller;

import dev.iris.common.LocalCodec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;

/** Sends {@link StoreOp}s to the state store and returns their results. */
public final class StoreClient {
  private static final DeliveryOptions OPTIONS = LocalCodec.options().setSendTimeout(30_000);
  private final Vertx vertx;

  public StoreClient(Vertx vertx) {
    this.vertx = vertx;
    LocalCodec.register(vertx);
  }

  @SuppressWarnings("unchecked")
  public <R> Future<R> call(StoreOp<R> op) {
    return vertx.eventBus().<StoreReply>request(Addresses.STORE, op, OPTIONS).compose(msg -> {
      StoreReply reply = msg.body();
      return reply.error() != null ? Future.failedFuture(reply.error()) : Future.succeededFuture((R) reply.value());
    });
  }

  /** The store's answer: a value or the exception the op threw. */
  public record StoreReply(Object value, RuntimeException error) {}
}
