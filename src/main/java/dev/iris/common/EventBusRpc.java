package dev.iris.common;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;
import java.util.function.Function;

/**
 * Protobuf request/reply over the event bus: the same service code that answers gRPC answers here, for
 * in-process (and clustered) peers. Failures travel as the gRPC status code and message.
 */
public final class EventBusRpc {
  private EventBusRpc() {}

  public static <Req extends Message, Resp extends Message> MessageConsumer<Buffer> bind(EventBus bus,
      String address, Parser<Req> parser, Function<Req, Future<Resp>> handler) {
    return bus.<Buffer>consumer(address, msg -> {
      Req req;
      try {
        req = parser.parseFrom(msg.body().getBytes());
      } catch (InvalidProtocolBufferException e) {
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
          resp -> msg.reply(Buffer.buffer(resp.toByteArray())),
          err -> {
            StatusException s = RpcErrors.toStatus(err);
            msg.fail(s.status().code, s.message());
          });
    });
  }

  public static <Resp extends Message> Future<Resp> call(EventBus bus, String address, Message request,
      Parser<Resp> parser, long timeoutMs) {
    return bus.<Buffer>request(address, Buffer.buffer(request.toByteArray()),
            new DeliveryOptions().setSendTimeout(timeoutMs))
        .recover(t -> Future.failedFuture(toRpc(t, address)))
        .compose(reply -> {
          try {
            return Future.succeededFuture(parser.parseFrom(reply.body().getBytes()));
          } catch (InvalidProtocolBufferException e) {
            return Future.failedFuture(new RpcException(GrpcStatus.INTERNAL, "malformed reply: " + e.getMessage()));
          }
        });
  }

  private static RpcException toRpc(Throwable t, String address) {
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
