package dev.iris.controller;

import dev.iris.common.LocalCodec;
import dev.iris.controller.state.StoreEvent;
import dev.iris.core.JobId;
import dev.iris.rpc.ClusterEvent;
import dev.iris.rpc.Controller;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.streams.WriteStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Streams committed events to a watcher: first those retained after the sequence it asks from, then live
 * ones, each exactly once and in order, optionally only for one job (and its tasks and child jobs; from
 * its latest submission, so a finished job of the same id that it replaced does not show through). A
 * watcher that falls too far behind is ended with an error so it reconnects from its last sequence.
 */
public final class EventWatch {
  static final int MAX_REPLAY = 200_000;
  private final Vertx vertx;
  private final StoreClient store;

  EventWatch(Vertx vertx, StoreClient store) {
    this.vertx = vertx;
    this.store = store;
    LocalCodec.register(vertx);
  }

  /** Starts streaming into {@code out}; returns a handle that stops it. */
  public Subscription start(Controller.WatchEventsRequest request, WriteStream<ClusterEvent> out) {
    Subscription sub = new Subscription(request, out);
    sub.begin();
    return sub;
  }

  /** One watcher. Runs on the context that started it. */
  public final class Subscription {
    private final String job;
    private final WriteStream<ClusterEvent> out;
    private final List<StoreEvent> buffered = new ArrayList<>();
    private MessageConsumer<StoreEvent> consumer;
    private long last;
    private boolean replayed;
    private boolean closed;

    private Subscription(Controller.WatchEventsRequest request, WriteStream<ClusterEvent> out) {
      this.job = request.getJobId();
      this.last = Math.max(0, request.getFromSequence());
      this.out = out;
    }

    private void begin() {
      out.exceptionHandler(t -> close());
      JobId jobId;
      try {
        jobId = job.isEmpty() ? null : JobId.of(job);
      } catch (IllegalArgumentException bad) {
        fail(io.vertx.grpc.common.GrpcStatus.INVALID_ARGUMENT, "bad job_id: " + bad.getMessage());
        return;
      }
      if (out instanceof io.vertx.grpc.server.GrpcServerResponse<?, ?> grpc) {
        grpc.writeHead(); // the client sees the stream open before the first event
      }
      consumer = vertx.eventBus().localConsumer(Addresses.EVENTS, m -> {
        if (replayed) {
          emit(m.body());
        } else {
          buffered.add(m.body());
        }
      });
      long asked = last;
      consumer.completion()
          .compose(v -> store.read(new StoreQuery.ReplayEvents(asked, jobId, MAX_REPLAY, false)))
          .onSuccess(replay -> {
            replay.events().forEach(this::emit);
            replayed = true;
            buffered.forEach(this::emit);
            buffered.clear();
          })
          .onFailure(t -> fail(io.vertx.grpc.common.GrpcStatus.INTERNAL, String.valueOf(t.getMessage())));
    }

    private void emit(StoreEvent e) {
      if (closed || e.sequence() <= last) {
        return;
      }
      last = e.sequence();
      if (!job.isEmpty() && !matches(e)) {
        return;
      }
      if (out.writeQueueFull()) {
        fail(io.vertx.grpc.common.GrpcStatus.RESOURCE_EXHAUSTED, "watcher fell behind at sequence " + e.sequence() + "; reconnect from the last sequence seen");
        return;
      }
      out.write(ProtoMapper.event(e)).onFailure(t -> close());
    }

    private boolean matches(StoreEvent e) {
      return e.jobId() != null && (e.jobId().equals(job) || e.jobId().startsWith(job + "/"));
    }

    private void fail(io.vertx.grpc.common.GrpcStatus status, String why) {
      if (!closed) {
        close();
        if (out instanceof io.vertx.grpc.server.GrpcServerResponse<?, ?> grpc) {
          grpc.status(status).statusMessage(why).end();
        } else {
          out.end();
        }
      }
    }

    /** Stops the watch and releases its consumer. */
    public Future<Void> close() {
      if (closed) {
        return Future.succeededFuture();
      }
      closed = true;
      return consumer == null ? Future.succeededFuture() : consumer.unregister();
    }
  }
}
