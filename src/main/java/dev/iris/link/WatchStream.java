package dev.iris.link;

import dev.iris.rpc.ClusterEvent;
import io.vertx.core.Handler;
import io.vertx.core.streams.ReadStream;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;

/** The event watch's stream with a way to cancel the call (the generated stubs offer none). */
public final class WatchStream implements ReadStream<ClusterEvent> {
  private final GrpcClientRequest<?, ClusterEvent> request;
  private final GrpcClientResponse<?, ClusterEvent> response;

  WatchStream(GrpcClientRequest<?, ClusterEvent> request, GrpcClientResponse<?, ClusterEvent> response) {
    this.request = request;
    this.response = response;
  }

  /** Ends the call; the server stops streaming. */
  public void cancel() {
    request.cancel();
  }

  @Override
  public WatchStream exceptionHandler(Handler<Throwable> handler) {
    response.exceptionHandler(handler);
    return this;
  }

  @Override
  public WatchStream handler(Handler<ClusterEvent> handler) {
    response.handler(handler);
    return this;
  }

  @Override
  public WatchStream pause() {
    response.pause();
    return this;
  }

  @Override
  public WatchStream resume() {
    response.resume();
    return this;
  }

  @Override
  public WatchStream fetch(long amount) {
    response.fetch(amount);
    return this;
  }

  @Override
  public WatchStream endHandler(Handler<Void> endHandler) {
    response.endHandler(endHandler);
    return this;
  }
}
