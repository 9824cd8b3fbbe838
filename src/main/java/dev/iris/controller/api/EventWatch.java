package dev.iris.controller.api;

import dev.iris.controller.EventReplay;
import dev.iris.controller.ProtoMapper;
import dev.iris.controller.StoreQuery;
import dev.iris.controller.state.StoreEvent;
import dev.iris.core.JobId;
import dev.iris.rpc.ClusterEvent;
import dev.iris.rpc.Controller;
import io.vertx.core.streams.WriteStream;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerResponse;

/**
 * WatchEvents: streams committed events to a watcher through an {@link EventReplay}, first those retained
 * after the sequence it asks from, then live ones, each exactly once and in order, optionally only for one
 * job (and its tasks and child jobs; from its latest submission, so a finished job of the same id that it
 * replaced does not show through). A watcher that falls too far behind is ended with an error so it
 * reconnects from its last sequence.
 */
final class EventWatch {
  static final int MAX_REPLAY = 200_000;
  private final EventReplay replay;

  EventWatch(EventReplay replay) {
    this.replay = replay;
  }

  /** Starts streaming into {@code out}; the stream ends on an error, or when the watcher goes away. */
  void start(Controller.WatchEventsRequest request, WriteStream<ClusterEvent> out) {
    new Watcher(request.getJobId(), out).begin(Math.max(0, request.getFromSequence()));
  }

  /** One watcher. Runs on the context that started it. */
  private final class Watcher implements EventReplay.Listener {
    private final String job;
    private final WriteStream<ClusterEvent> out;
    private EventReplay.Subscription subscription;
    private boolean closed;

    private Watcher(String job, WriteStream<ClusterEvent> out) {
      this.job = job;
      this.out = out;
    }

    private void begin(long from) {
      out.exceptionHandler(t -> close());
      JobId jobId;
      try {
        jobId = job.isEmpty() ? null : JobId.of(job);
      } catch (IllegalArgumentException bad) {
        fail(GrpcStatus.INVALID_ARGUMENT, "bad job_id: " + bad.getMessage());
        return;
      }
      if (out instanceof GrpcServerResponse<?, ?> grpc) {
        grpc.writeHead(); // the client sees the stream open before the first event
      }
      subscription = replay.follow(new StoreQuery.ReplayEvents(from, jobId, MAX_REPLAY, false), this);
    }

    @Override
    public void event(StoreEvent e) {
      if (!job.isEmpty() && !matches(e)) {
        return;
      }
      if (out.writeQueueFull()) {
        fail(GrpcStatus.RESOURCE_EXHAUSTED, "watcher fell behind at sequence " + e.sequence()
            + "; reconnect from the last sequence seen");
        return;
      }
      out.write(ProtoMapper.event(e)).onFailure(t -> close());
    }

    @Override
    public void failed(Throwable cause) {
      fail(GrpcStatus.INTERNAL, String.valueOf(cause.getMessage()));
    }

    private boolean matches(StoreEvent e) {
      return e.jobId() != null && (e.jobId().equals(job) || e.jobId().startsWith(job + "/"));
    }

    private void fail(GrpcStatus status, String why) {
      if (!closed) {
        close();
        if (out instanceof GrpcServerResponse<?, ?> grpc) {
          grpc.status(status).statusMessage(why).end();
        } else {
          out.end();
        }
      }
    }

    private void close() {
      if (closed) {
        return;
      }
      closed = true;
      if (subscription != null) {
        subscription.close();
      }
    }
  }
}
