package dev.iris.web;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Protobuf to JSON for the browser: proto field names ({@code job_id}), every field present (zeros
 * included), enums by name, 64-bit integers as strings (the JSON mapping of protobuf).
 */
public final class ProtoJson {
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().preservingProtoFieldNames()
      .alwaysPrintFieldsWithNoPresence().omittingInsignificantWhitespace();

  private ProtoJson() {}

  public static String text(MessageOrBuilder m) {
    try {
      return PRINTER.print(m);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print " + m.getClass().getSimpleName() + " as JSON", e);
    }
  }

  public static JsonObject object(MessageOrBuilder m) {
    return new JsonObject(text(m));
  }

  public static JsonArray array(List<? extends MessageOrBuilder> messages) {
    JsonArray a = new JsonArray();
    messages.forEach(m -> a.add(object(m)));
    return a;
  }
}
