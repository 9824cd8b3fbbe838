package dev.iris.client;

import dev.iris.common.ProtoStates;
import dev.iris.core.TaskId;
import dev.iris.rpc.ClusterEvent;
import dev.iris.rpc.Controller;
import dev.iris.rpc.EventKind;
import dev.iris.rpc.JobStatus;
import dev.iris.rpc.TaskState;
import dev.iris.rpc.Worker;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.streams.ReadStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Follows one job to its end on a Vert.x context: the controller's event watch says when tasks start and
 * when the job finishes (reconnecting from the last sequence if the stream breaks); while streaming logs,
 * started tasks are tailed from their workers through the controller, and drained once at the end.
 */
final class JobWaiter {
  private static final long TAIL_INTERVAL_MS = 250;
  /** The most lines one log fetch asks for; the final drain fetches pages until one comes back short. */
  static final int PAGE_LINES = 10_000;
  private final IrisClient client;
  private final String jobId;
  private final boolean streamLogs;
  private final Integer only;
  private final Consumer<String> out;
  private final Consumer<JobStatus> progress;
  private boolean progressDue;
  private long progressTimer = -1;
  private final Promise<JobStatus> done = Promise.promise();
  private final Map<Integer, Tail> tails = new HashMap<>();
  private Context context;
  private ReadStream<ClusterEvent> stream;
  private long lastSequence;
  private long timer = -1;
  private long reconnectTimer = -1;
  private boolean finishing;
  private boolean stopped;

  /** Where the log tail of one task stands. */
  private static final class Tail {
    int attempt = -1;
    long nextLine;
    boolean inFlight;
    /** The attempt ended: once a fetch comes back short, nothing more will come until a new attempt. */
    boolean attemptEnded;
    boolean finished;
  }

  JobWaiter(IrisClient client, String jobId, boolean streamLogs, Integer only, Consumer<String> out,
      Consumer<JobStatus> progress) {
    this.progress = progress;
    this.client = client;
    this.jobId = jobId;
    this.streamLogs = streamLogs;
    this.only = only;
    this.out = out == null ? s -> { } : out;
  }

  Future<JobStatus> start() {
    context = client.vertx().getOrCreateContext();
    context.runOnContext(v -> {
      watch();
      if (streamLogs) {
        timer = client.vertx().setPeriodic(TAIL_INTERVAL_MS, id -> tailAll(false));
      }
      if (progress != null) {
        progressTimer = client.vertx().setPeriodic(TAIL_INTERVAL_MS, id -> reportProgress());
      }
    });
    return done.future();
  }

  void stop() {
    context.runOnContext(v -> close());
  }

  private void watch() {
    client.controller().watchEvents(Controller.WatchEventsRequest.newBuilder().setJobId(jobId)
            .setFromSequence(lastSequence).build())
        .onSuccess(s -> {
          if (stopped) { // the wait ended while the watch was opening
            if (s instanceof dev.iris.link.WatchStream w) {
              w.cancel();
            }
            return;
          }
          stream = s;
          s.handler(this::onEvent);
          s.exceptionHandler(t -> reconnect());
          s.endHandler(v -> reconnect());
        })
        .onFailure(t -> {
          if (t instanceof dev.iris.common.RpcException r && r.status() == io.vertx.grpc.common.GrpcStatus.UNAVAILABLE) {
            reconnect();
          } else {
            fail(t);
          }
        });
    // a job may have finished before its events were retained: look once
    client.controller().getJobStatus(Controller.GetJobStatusRequest.newBuilder().setJobId(jobId).build())
        .onSuccess(r -> {
          if (ProtoStates.isFinished(r.getJob().getState())) {
            finish();
          }
        })
        .onFailure(this::fail);
  }

  private void reconnect() {
    if (!stopped && !finishing && reconnectTimer < 0) {
      reconnectTimer = client.vertx().setTimer(500, id -> {
        reconnectTimer = -1;
        if (!stopped && !finishing) { // the job may have finished, or the caller stopped waiting, meanwhile
          watch();
        }
      });
    }
  }

  private void reportProgress() {
    if (!progressDue || finishing) {
      return;
    }
    progressDue = false;
    client.controller().getJobStatus(Controller.GetJobStatusRequest.newBuilder().setJobId(jobId).build())
        .onSuccess(r -> {
          if (!finishing) {
            progress.accept(r.getJob());
          }
        });
  }

  private void onEvent(ClusterEvent e) {
    lastSequence = Math.max(lastSequence, e.getSequence());
    if (e.getKind() == EventKind.EVENT_KIND_TASK_STATE_CHANGED) {
      progressDue = true;
    }
    if (e.getKind() == EventKind.EVENT_KIND_TASK_STATE_CHANGED && streamLogs) {
      TaskId task;
      try {
        task = TaskId.parse(e.getTaskId());
      } catch (IllegalArgumentException bad) {
        return;
      }
      if (!task.job().value().equals(jobId) || (only != null && task.index() != only)) {
        return;
      }
      TaskState s = e.getTaskState();
      if (s == TaskState.TASK_STATE_BUILDING || s == TaskState.TASK_STATE_RUNNING || ProtoStates.isFinished(s)) {
        Tail t = tails.computeIfAbsent(task.index(), i -> new Tail());
        if (e.getAttemptId() != t.attempt && e.getAttemptId() >= 0) {
          t.attempt = e.getAttemptId();
          t.nextLine = 0;
        }
        t.attemptEnded = ProtoStates.isFinished(s);
        t.finished = false;
      }
    }
    if (e.getKind() == EventKind.EVENT_KIND_JOB_STATE_CHANGED && e.getJobId().equals(jobId)
        && ProtoStates.isFinished(e.getJobState())) {
      finish();
    }
  }

  private Future<Void> tailAll(boolean drain) {
    List<Future<Void>> all = new ArrayList<>();
    tails.forEach((index, t) -> {
      if (!t.inFlight && (drain || !t.finished)) {
        boolean endedBeforeFetch = t.attemptEnded; // lines written before the end are all in this fetch
        int attempt = t.attempt;
        all.add(drain ? drain(index, t) : tail(index, t).map(n -> {
          if (n >= 0 && n < PAGE_LINES && endedBeforeFetch && attempt == t.attempt && t.attemptEnded) {
            t.finished = true; // its whole log is printed: stop polling it
          }
          return null;
        }));
      }
    });
    return Future.join(all).mapEmpty();
  }

  /** Fetches the task's lines to its end, page by page. */
  private Future<Void> drain(int index, Tail t) {
    return tail(index, t).compose(n -> n >= PAGE_LINES ? drain(index, t) : Future.succeededFuture());
  }

  /** Prints the next page of the task's lines; answers how many there were (-1 when the fetch failed). */
  private Future<Integer> tail(int index, Tail t) {
    t.inFlight = true;
    Controller.FetchTaskLogsRequest.Builder req = Controller.FetchTaskLogsRequest.newBuilder().setJobId(jobId)
        .setTaskIndex(index).setFilter(Worker.FetchLogsFilter.newBuilder().setStartLine(t.nextLine).setMaxLines(PAGE_LINES));
    if (t.attempt >= 0) {
      req.setAttemptId(t.attempt);
    }
    return client.controller().fetchTaskLogs(req.build())
        .onSuccess(r -> {
          for (Worker.LogEntry line : r.getLogsList()) {
            out.accept(only != null ? line.getData() : "[task-" + index + "] " + line.getData());
            t.nextLine = line.getLineNumber() + 1;
          }
        })
        .map(r -> r.getLogsCount())
        .recover(err -> Future.succeededFuture(-1))
        .onComplete(v -> t.inFlight = false);
  }

  private void finish() {
    if (finishing || stopped) {
      return;
    }
    finishing = true;
    Future<Void> drained = streamLogs ? waitForTails().compose(v -> tailAll(true)) : Future.succeededFuture();
    drained
        .compose(v -> client.controller().getJobStatus(Controller.GetJobStatusRequest.newBuilder().setJobId(jobId)
            .setIncludeTasks(true).build()))
        .onSuccess(r -> {
          close();
          done.tryComplete(r.getJob());
        })
        .onFailure(this::fail);
  }

  private Future<Void> waitForTails() {
    if (tails.values().stream().noneMatch(t -> t.inFlight)) {
      return Future.succeededFuture();
    }
    Promise<Void> p = Promise.promise();
    client.vertx().setTimer(20, id -> waitForTails().onComplete(p));
    return p.future();
  }

  private void fail(Throwable t) {
    close();
    done.tryFail(t);
  }

  private void close() {
    stopped = true;
    if (reconnectTimer >= 0) {
      client.vertx().cancelTimer(reconnectTimer);
    }
    if (timer >= 0) {
      client.vertx().cancelTimer(timer);
    }
    if (progressTimer >= 0) {
      client.vertx().cancelTimer(progressTimer);
    }
    if (stream != null) {
      stream.handler(null);
      stream.exceptionHandler(null);
      stream.endHandler(null);
      if (stream instanceof dev.iris.link.WatchStream w) {
        w.cancel();
      }
    }
  }
}
