package dev.iris.client;

import dev.iris.common.ProtoStates;
import dev.iris.common.RpcException;
import dev.iris.core.TaskId;
import dev.iris.link.WatchStream;
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
import io.vertx.grpc.common.GrpcStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Follows one job to its end on a Vert.x context: the controller's event watch says when tasks start and
 * when the job finishes; while streaming logs, started tasks are tailed from their workers through the
 * controller, and drained once at the end.
 *
 * <p>A connection is the watch (from the last sequence seen) plus one read of the job. When the watch breaks
 * the waiter connects again; when the controller does not answer it is an outage: the {@link
 * ConnectionListener} hears it once, connections are retried as the client's {@link Reconnect} says, tails
 * pause, and the listener hears again once the controller is back. Each task's tail keeps the attempt and the
 * next line it prints, so a resumed tail prints no line twice; the final drain is retried through an outage
 * the same way. Everything runs on the waiter's context.
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
  private final Reconnect policy;
  private final ConnectionListener listener;
  private boolean progressDue;
  private long progressTimer = -1;
  private final Promise<JobStatus> done = Promise.promise();
  private final Map<Integer, Tail> tails = new HashMap<>();
  private Context context;
  private ReadStream<ClusterEvent> stream;
  /** Which connection callbacks belong to: a broken connection's late callbacks are ignored. */
  private int generation;
  private long lastSequence;
  private long timer = -1;
  private long reconnectTimer = -1;
  /** The spell without the controller in progress; null while connected. */
  private Reconnect.Outage outage;
  /** Whether the listener heard of the current outage (then it hears of its end too). */
  private boolean announced;
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
    this.policy = client.reconnectPolicy();
    this.listener = client.connectionListener();
  }

  Future<JobStatus> start() {
    context = client.vertx().getOrCreateContext();
    context.runOnContext(v -> {
      connect();
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

  // ---------------------------------------------------------------- connection

  /** Opens the watch after the last sequence seen, then reads the job once (it may have ended meanwhile). */
  private void connect() {
    int current = ++generation;
    client.controller().watchEvents(Controller.WatchEventsRequest.newBuilder().setJobId(jobId)
            .setFromSequence(lastSequence).build())
        .onSuccess(s -> {
          if (stopped || finishing || current != generation) { // the wait ended, or moved on, meanwhile
            cancel(s);
            return;
          }
          stream = s;
          s.handler(this::onEvent);
          s.exceptionHandler(t -> broken(current));
          s.endHandler(v -> broken(current));
          readJob(current);
        })
        .onFailure(t -> unanswered(current, t));
  }

  private void readJob(int current) {
    client.controller().getJobStatus(Controller.GetJobStatusRequest.newBuilder().setJobId(jobId).build())
        .onSuccess(r -> {
          if (stopped || current != generation) {
            return;
          }
          connected();
          if (ProtoStates.isFinished(r.getJob().getState())) {
            finish(); // a job may have finished before its events were retained, or while the watch was down
          }
        })
        .onFailure(t -> unanswered(current, t));
  }

  /** The watch ended or failed: connect again, quietly unless the controller then does not answer. */
  private void broken(int current) {
    if (stopped || finishing || current != generation) {
      return;
    }
    retryLater(null, this::connect);
  }

  /** A call of connection {@code current} failed: an outage when the controller did not answer, else the end. */
  private void unanswered(int current, Throwable t) {
    if (stopped || current != generation) {
      return;
    }
    if (!controllerDown(t)) {
      fail(t);
    } else if (!client.answeredOnce()) {
      fail(t); // never reached: a wrong address or a controller that is not up, not a restart to ride through
    } else if (!finishing) {
      retryLater(t, this::connect);
    }
  }

  /**
   * Tries {@code attempt} again after the policy's pause, opening an outage if none is open; {@code why} is the
   * controller's silence (null when a watch merely broke, which is not announced). Gives up, failing the wait,
   * once the outage has lasted the policy's give-up time.
   */
  private void retryLater(Throwable why, Runnable attempt) {
    closeStream();
    generation++; // the late callbacks of the connection that failed are ignored
    long now = nowMs();
    if (outage == null) {
      outage = policy.begin(now);
    }
    if (why != null && !announced) {
      announced = true;
      listener.unavailable(client.address(), reason(why), policy.giveUpAfter());
    }
    double random = ThreadLocalRandom.current().nextDouble();
    // a broken watch is always tried again once: only a controller that does not answer counts toward giving up
    OptionalLong delay = why == null ? OptionalLong.of(policy.delayMs(1, random)) : outage.nextDelayMs(now, random);
    if (delay.isEmpty()) {
      fail(new IrisException("UNAVAILABLE", "gave up on job " + jobId + ": the controller at " + client.address()
          + " did not answer for " + Reconnect.shortly(outage.length(now)) + " (" + reason(why) + ")"));
      return;
    }
    if (reconnectTimer >= 0) {
      client.vertx().cancelTimer(reconnectTimer);
    }
    reconnectTimer = client.vertx().setTimer(delay.getAsLong(), id -> {
      reconnectTimer = -1;
      if (!stopped) {
        attempt.run();
      }
    });
  }

  /** The controller answered: an outage in progress is over. */
  private void connected() {
    client.markAnswered();
    if (outage != null) {
      if (announced) {
        listener.reconnected(client.address(), outage.length(nowMs()));
      }
      outage = null;
      announced = false;
    }
  }

  /**
   * Whether a failed watch or job read means the controller is not there (now): it did not answer, answered
   * UNAVAILABLE (it is stopping, or cannot write its journal), or let the call time out. Anything else it
   * answered (NOT_FOUND, UNAUTHENTICATED, ...) ends the wait.
   */
  private static boolean controllerDown(Throwable t) {
    return t instanceof RpcException r
        && (r.noAnswer() || r.status() == GrpcStatus.UNAVAILABLE || r.status() == GrpcStatus.DEADLINE_EXCEEDED);
  }

  private static String reason(Throwable t) {
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
  }

  private static long nowMs() {
    return System.nanoTime() / 1_000_000;
  }

  // ---------------------------------------------------------------- events and progress

  private void reportProgress() {
    if (!progressDue || finishing || outage != null) {
      return;
    }
    progressDue = false;
    client.controller().getJobStatus(Controller.GetJobStatusRequest.newBuilder().setJobId(jobId).build())
        .onSuccess(r -> {
          if (!finishing && !stopped) {
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

  // ---------------------------------------------------------------- logs

  private Future<Void> tailAll(boolean drain) {
    if (!drain && (outage != null || finishing)) {
      return Future.succeededFuture(); // nobody to ask; the drain at the end fetches what is left
    }
    List<Future<Void>> all = new ArrayList<>();
    tails.forEach((index, t) -> {
      if (!t.inFlight && (drain || !t.finished)) {
        boolean endedBeforeFetch = t.attemptEnded; // lines written before the end are all in this fetch
        int attempt = t.attempt;
        all.add(drain ? drain(index, t) : tail(index, t).map(n -> {
          if (n >= 0 && n < PAGE_LINES && endedBeforeFetch && attempt == t.attempt && t.attemptEnded) {
            t.finished = true; // its whole log is printed: stop polling it
          }
          return (Void) null;
        }).otherwiseEmpty());
      }
    });
    return Future.join(all).mapEmpty();
  }

  /** Fetches the task's lines to its end, page by page; fails when the controller does not answer. */
  private Future<Void> drain(int index, Tail t) {
    return tail(index, t).compose(n -> n >= PAGE_LINES ? drain(index, t) : Future.succeededFuture());
  }

  /**
   * Prints the next page of the task's lines and answers how many there were: -1 when the controller answered
   * with an error (the worker is gone, say), a failed future when it did not answer at all.
   */
  private Future<Integer> tail(int index, Tail t) {
    t.inFlight = true;
    Controller.FetchTaskLogsRequest.Builder req = Controller.FetchTaskLogsRequest.newBuilder().setJobId(jobId)
        .setTaskIndex(index).setFilter(Worker.FetchLogsFilter.newBuilder().setStartLine(t.nextLine).setMaxLines(PAGE_LINES));
    if (t.attempt >= 0) {
      req.setAttemptId(t.attempt);
    }
    int attempt = t.attempt;
    return client.controller().fetchTaskLogs(req.build())
        .onSuccess(r -> {
          if (stopped) {
            return;
          }
          // a page of an attempt that was replaced while it was on its way is printed, but moves no tail
          boolean current = attempt == t.attempt;
          for (Worker.LogEntry line : r.getLogsList()) {
            if (current && line.getLineNumber() < t.nextLine) {
              continue; // printed already
            }
            out.accept(only != null ? line.getData() : "[task-" + index + "] " + line.getData());
            if (current) {
              t.nextLine = line.getLineNumber() + 1;
            }
          }
        })
        .map(r -> r.getLogsCount())
        .recover(err -> err instanceof RpcException r && r.noAnswer() ? Future.failedFuture(err)
            : Future.succeededFuture(-1))
        .onComplete(v -> t.inFlight = false);
  }

  // ---------------------------------------------------------------- the end

  private void finish() {
    if (finishing || stopped) {
      return;
    }
    finishing = true;
    closeStream();
    finishAttempt();
  }

  /** Drains the logs and reads the final status; through an outage, tries again until the policy gives up. */
  private void finishAttempt() {
    Future<Void> drained = streamLogs ? waitForTails().compose(v -> tailAll(true)) : Future.succeededFuture();
    drained
        .compose(v -> client.controller().getJobStatus(Controller.GetJobStatusRequest.newBuilder().setJobId(jobId)
            .setIncludeTasks(true).build()))
        .onSuccess(r -> {
          connected();
          close();
          done.tryComplete(r.getJob());
        })
        .onFailure(t -> {
          if (stopped) {
            return;
          }
          if (controllerDown(t)) {
            retryLater(t, this::finishAttempt);
          } else {
            fail(t);
          }
        });
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
    closeStream();
  }

  private void closeStream() {
    if (stream != null) {
      stream.handler(null);
      stream.exceptionHandler(null);
      stream.endHandler(null);
      cancel(stream);
      stream = null;
    }
  }

  private static void cancel(ReadStream<ClusterEvent> s) {
    if (s instanceof WatchStream w) {
      w.cancel();
    }
  }
}
