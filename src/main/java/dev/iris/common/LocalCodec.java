package dev.iris.common;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Passes immutable objects (records, ops) between verticles of one JVM by reference. Never crosses a
 * process boundary: {@link #encodeToWire} refuses, protobuf is the wire format. Use {@link #OPTIONS} (or
 * {@link #options()}) when sending.
 */
public final class LocalCodec implements MessageCodec<Object, Object> {
  public static final String NAME = "iris-local";
  public static final DeliveryOptions OPTIONS = new DeliveryOptions().setCodecName(NAME).setLocalOnly(true);

  private LocalCodec() {}

  /** Registers the codec once per Vert.x instance (idempotent). */
  public static void register(Vertx vertx) {
    register(vertx.eventBus());
  }

  /** Registers the codec on {@code bus} (idempotent). */
  public static void register(io.vertx.core.eventbus.EventBus bus) {
    try {
      bus.registerCodec(new LocalCodec());
    } catch (IllegalStateException alreadyRegistered) {
      // registered by another verticle of this Vert.x
    }
  }

  /** Fresh options with this codec, for callers that set more (timeouts). */
  public static DeliveryOptions options() {
    return new DeliveryOptions().setCodecName(NAME).setLocalOnly(true);
  }

  @Override
  public void encodeToWire(Buffer buffer, Object o) {
    throw new UnsupportedOperationException(NAME + " is local only");
  }

  @Override
  public Object decodeFromWire(int pos, Buffer buffer) {
    throw new UnsupportedOperationException(NAME + " is local only");
  }

  @Override
  public Object transform(Object o) {
    return o;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
