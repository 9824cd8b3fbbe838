package dev.iris.common;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;
import java.util.function.Function;

/**
 * Protobuf request/reply over the event bus: the same service code that answers gRPC answers here, for
 * in-process peers. Failures travel as the gRPC status code and message.
 */
public final class EventBusRpc {
  private EventBusRpc() {}

  public static <Req extends Message, Resp extends Message> MessageConsumer<Object> bind(EventBus bus,
      String address, Parser<Req> parser, Function<Req, Future<Resp>> handler) {
    LocalCodec.register(bus);
    return bus.<Object>consumer(address, msg -> {
      Object body = msg.body();
      boolean wire = body instanceof Buffer;
      Req req;
      try {
        req = wire ? parser.parseFrom(((Buffer) body).getBytes()) : cast(body);
      } catch (InvalidProtocolBufferException | ClassCastException e) {
        msg.fail(GrpcStatus.INVALID_ARGUMENT.code, "malformed request: " + e.getMessage());
        return;
      }
      Future<Resp> answer;
      try {
        answer = handler.apply(req);
      } catch (RuntimeException e) {
        answer = Future.failedFuture(e);
      }
      answer.onComplete(
          resp -> {
            if (wire) {
              msg.reply(Buffer.buffer(resp.toByteArray()));
            } else {
              msg.reply(resp, LocalCodec.OPTIONS); // immutable: handed over as is
            }
          },
          err -> {
            StatusException s = RpcErrors.toStatus(err);
            msg.fail(s.status().code, s.message());
          });
    });
  }

  @SuppressWarnings("unchecked")
  private static <T extends Message> T cast(Object body) {
    if (!(body instanceof Message)) {
      throw new ClassCastException("not a protobuf message: " + (body == null ? "null" : body.getClass().getName()));
    }
    return (T) body;
  }

  /**
   * Calls {@code address}. Protobuf messages are immutable, so request and reply travel by reference (no
   * serialization) on this JVM's bus. On a clustered bus (called from a context of a clustered Vert.x) the
   * consumer may live in another JVM: the request goes as serialized bytes and the reply comes back so.
   */
  public static <Resp extends Message> Future<Resp> call(EventBus bus, String address, Message request,
      Parser<Resp> parser, long timeoutMs) {
    Context context = Vertx.currentContext();
    boolean clustered = context != null && context.owner().isClustered();
    Future<io.vertx.core.eventbus.Message<Object>> answer = clustered
        ? bus.request(address, Buffer.buffer(request.toByteArray()), new DeliveryOptions().setSendTimeout(timeoutMs))
        : bus.request(address, request, LocalCodec.options().setSendTimeout(timeoutMs));
    return answer
        .recover(t -> Future.failedFuture(toRpc(t, address)))
        .compose(reply -> {
          Object body = reply.body();
          try {
            return Future.succeededFuture(body instanceof Buffer b ? parser.parseFrom(b.getBytes()) : cast(body));
          } catch (InvalidProtocolBufferException | ClassCastException e) {
            return Future.failedFuture(new RpcException(GrpcStatus.INTERNAL, "malformed reply: " + e.getMessage()));
          }
        });
  }

  private static RpcException toRpc(Throwable t, String address) {
    if (t instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS) {
      // like a refused connection: nothing serves the address (a stopped worker, or its node left the cluster)
      return RpcException.refused("nobody serves " + address);
    }
    if (t instanceof ReplyException r) {
      StatusException s = RpcErrors.toStatus(r);
      String msg = switch (r.failureType()) {
        case NO_HANDLERS -> "nobody serves " + address;
        case TIMEOUT -> "no reply from " + address + " in time";
        default -> r.getMessage();
      };
      return new RpcException(s.status(), msg);
    }
    return new RpcException(GrpcStatus.UNAVAILABLE, String.valueOf(t.getMessage()));
  }
}
