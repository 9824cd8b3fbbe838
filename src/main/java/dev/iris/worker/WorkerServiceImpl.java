package dev.iris.worker;

import dev.iris.common.ProtoSpecs;
import dev.iris.common.RpcErrors;
import dev.iris.common.RpcGuard;
import dev.iris.core.TaskId;
import dev.iris.core.TaskSpecRules;
import dev.iris.core.ValidationException;
import dev.iris.rpc.Empty;
import dev.iris.rpc.TaskStatus;
import dev.iris.rpc.Worker;
import dev.iris.rpc.WorkerServiceService;
import dev.iris.worker.attempt.AttemptKey;
import dev.iris.worker.attempt.AttemptState;
import dev.iris.worker.logs.LogFilter;
import dev.iris.worker.logs.LogLine;
import dev.iris.worker.logs.TaskLogStore;
import dev.iris.worker.usage.UsageTracker;
import io.vertx.core.Future;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * The WorkerService handlers, written once and served over gRPC on the worker's port and over the event
 * bus. Each validates its request and answers from the worker's {@link TaskTable}; runs on the worker
 * verticle's context.
 */
final class WorkerServiceImpl extends WorkerServiceService {
  private volatile boolean stopping;
  static final int DEFAULT_TERM_TIMEOUT_MS = 5_000;
  static final Duration SUPERSEDE_GRACE = Duration.ofSeconds(1);

  private final WorkerConfig config;
  private final Clock clock;
  private final ContextOps ops;
  private final TaskTable table;
  private final AttemptRunner runner;
  private final TaskLogStore logs;
  private final Supplier<String> address;
  private final WorkerMetrics metrics;
  private final Admissions admissions;
  private final long startedAtMs;
  private final RpcGuard guard;
  private final LeaseKeeper lease;

  WorkerServiceImpl(WorkerConfig config, Clock clock, ContextOps ops, TaskTable table, AttemptRunner runner,
      TaskLogStore logs, Supplier<String> address, WorkerMetrics metrics, Admissions admissions, LeaseKeeper lease) {
    this.lease = lease;
    this.config = config;
    this.admissions = admissions;
    this.clock = clock;
    this.ops = ops;
    this.table = table;
    this.runner = runner;
    this.logs = logs;
    this.address = address;
    this.metrics = metrics;
    this.startedAtMs = clock.millis();
    this.guard = new RpcGuard(metrics::rpc);
  }

  /** How long a RunTask that finds the worker fenced waits for a renewal on its way (a registration's answer). */
  static final java.time.Duration RENEWAL_WAIT = java.time.Duration.ofSeconds(2);

  /** From now on RunTask answers UNAVAILABLE: the worker is stopping, and a task started now would outlive it. */
  void refuseNewTasks() {
    stopping = true;
  }

  @Override
  public Future<Worker.RunTaskResponse> runTask(Worker.RunTaskRequest request) {
    return guard.call("RunTask", () -> {
      if (stopping) {
        throw new StatusException(GrpcStatus.UNAVAILABLE, "worker " + config.workerId() + " is stopping");
      }
      if (!lease.mayRun()) {
        // the controller may have accepted a registration whose answer this worker has not yet heard: wait for it
        // briefly; no renewal is final: the controller fences the attempt and retries it elsewhere
        return lease.renewedWithin(RENEWAL_WAIT).compose(renewed -> {
          if (!renewed) {
            return Future.failedFuture(new StatusException(GrpcStatus.FAILED_PRECONDITION, lease.refusal()));
          }
          return stopping ? Future.failedFuture(new StatusException(GrpcStatus.UNAVAILABLE, "worker "
              + config.workerId() + " is stopping")) : admit(request);
        });
      }
      return admit(request);
    });
  }

  /** Takes a RunTask under a lease: validated, judged against the attempts already taken, launched. */
  private Future<Worker.RunTaskResponse> admit(Worker.RunTaskRequest request) {
    TaskId task = TaskId.parse(request.getTaskId());
    List<String> argv = validate(request, task);
    Worker.RunTaskRequest normalized = request.getJobId().isEmpty()
        ? request.toBuilder().setJobId(task.job().value()).build() : request;
    Attempt previous = table.current(request.getTaskId());
    int current = previous == null ? -1 : previous.attemptId();
    switch (admissions.judge(task.toString(), request.getAttemptId(), current)) {
      case REPEAT -> {
        return Future.succeededFuture(accepted(previous)); // a retried delivery: answered as the first was
      }
      case REFUSE -> throw new StatusException(GrpcStatus.FAILED_PRECONDITION, "attempt "
          + request.getAttemptId() + " of task " + task + " was superseded or cancelled on worker "
          + config.workerId() + " (newest attempt " + admissions.newest(task.toString(), current) + ")");
      case ACCEPT -> { }
    }
    long seq = admissions.accept(task.toString(), request.getAttemptId());
    Attempt attempt = new Attempt(new AttemptKey(task.toString(), request.getAttemptId()), task, normalized, argv,
        new UsageTracker(clock), seq);
    table.put(attempt);
    Future<?> predecessorGone = Future.succeededFuture();
    if (previous != null && !previous.isFinished()) {
      runner.kill(previous, SUPERSEDE_GRACE, "Superseded by attempt " + request.getAttemptId());
      predecessorGone = previous.ended();
    }
    Worker.RunTaskResponse answer = accepted(attempt); // ASSIGNED: taken before the launch moves it on
    runner.launch(attempt, predecessorGone);
    return Future.succeededFuture(answer);
  }

  private Worker.RunTaskResponse accepted(Attempt a) {
    return Worker.RunTaskResponse.newBuilder().setTaskId(a.task.toString()).setState(AttemptProtos.state(a.state))
        .setAcceptedSeq(a.state.spec().acceptedSeq()).setIncarnation(admissions.incarnation()).build();
  }

  @Override
  public Future<TaskStatus> getTaskStatus(Worker.GetTaskStatusRequest request) {
    return guard.call("GetTaskStatus", () -> Future.succeededFuture(status(known(request.getTaskId()))));
  }

  @Override
  public Future<Worker.ListTasksResponse> listTasks(Worker.ListTasksRequest request) {
    return guard.call("ListTasks", () -> Future.succeededFuture(listedTasks()));
  }

  /** Every task this worker knows, as of its current attempt. */
  Worker.ListTasksResponse listedTasks() {
    Worker.ListTasksResponse.Builder b = Worker.ListTasksResponse.newBuilder();
    table.currentAttempts().forEach(a -> b.addTasks(status(a)));
    return b.build();
  }

  @Override
  public Future<Worker.FetchTaskLogsResponse> fetchTaskLogs(Worker.FetchTaskLogsRequest request) {
    return guard.call("FetchTaskLogs", () -> {
      Attempt current = known(request.getTaskId());
      Attempt attempt = current;
      if (request.hasAttemptId() && request.getAttemptId() != current.attemptId()) {
        attempt = table.find(request.getTaskId(), request.getAttemptId()).orElseThrow(() -> RpcErrors.notFound(
            "attempt " + request.getAttemptId() + " of task " + request.getTaskId() + " not found on worker "
                + config.workerId()));
      }
      Worker.FetchLogsFilter f = request.getFilter();
      LogFilter filter;
      try {
        filter = new LogFilter(f.getRegex(), f.getStartLine(), f.getStartMs(), f.getEndMs(), f.getMaxLines());
      } catch (IllegalArgumentException e) {
        throw RpcErrors.invalid(e.getMessage());
      }
      AttemptKey key = attempt.key;
      return ops.blocking(() -> logs.read(key, filter)).map(lines -> {
        Worker.FetchTaskLogsResponse.Builder b = Worker.FetchTaskLogsResponse.newBuilder();
        for (LogLine l : lines) {
          b.addLogs(Worker.LogEntry.newBuilder().setLineNumber(l.lineNumber()).setTimestampMs(l.timestampMs())
              .setSource(l.source()).setData(l.data()));
        }
        return b.build();
      });
    });
  }

  @Override
  public Future<Empty> killTask(Worker.KillTaskRequest request) {
    return guard.call("KillTask", () -> {
      if (request.getTaskId().isEmpty()) {
        throw RpcErrors.invalid("task_id must not be empty");
      }
      TaskId.parse(request.getTaskId());
      if (request.getTermTimeoutMs() < 0) {
        throw RpcErrors.invalid("term_timeout_ms must not be negative, got " + request.getTermTimeoutMs());
      }
      if (request.getAttemptId() < 0) {
        throw RpcErrors.invalid("attempt_id must not be negative, got " + request.getAttemptId());
      }
      Attempt current = table.current(request.getTaskId());
      // a newer attempt than the current one is fenced (its RunTask may still be on the way); an older one is
      // already finished or being killed by its successor: nothing to do
      if (admissions.kill(request.getTaskId(), request.getAttemptId(), current == null ? -1 : current.attemptId())) {
        int graceMs = request.getTermTimeoutMs() == 0 ? DEFAULT_TERM_TIMEOUT_MS : request.getTermTimeoutMs();
        runner.kill(current, Duration.ofMillis(graceMs), "Killed by request");
      }
      return Future.succeededFuture(Empty.getDefaultInstance());
    });
  }

  @Override
  public Future<Worker.HealthResponse> healthCheck(Empty request) {
    return guard.call("HealthCheck", () -> Future.succeededFuture(Worker.HealthResponse.newBuilder().setHealthy(true)
        .setUptimeMs(clock.millis() - startedAtMs).setRunningTasks(table.unfinishedCount()).build()));
  }

  // ---------------------------------------------------------------- helpers

  private TaskStatus status(Attempt a) {
    List<AttemptState> history = table.history(a.key.taskId()).stream().map(h -> h.state).toList();
    return AttemptProtos.status(a.state, history, config.workerId(), address.get());
  }

  private Attempt known(String taskId) {
    if (taskId.isEmpty()) {
      throw RpcErrors.invalid("task_id must not be empty");
    }
    Attempt a = table.current(taskId);
    if (a == null) {
      throw RpcErrors.notFound("task " + taskId + " not found on worker " + config.workerId());
    }
    return a;
  }

  /** Checks everything a RunTask needs; returns the command line. */
  static List<String> validate(Worker.RunTaskRequest r, TaskId task) {
    if (!r.getJobId().isEmpty() && !r.getJobId().equals(task.job().value())) {
      throw new ValidationException("job_id '" + r.getJobId() + "' does not match task id '" + task + "'");
    }
    if (r.getTaskIndex() != task.index()) {
      throw new ValidationException("task_index " + r.getTaskIndex() + " does not match task id '" + task + "'");
    }
    if (r.getNumTasks() < 0 || (r.getNumTasks() > 0 && task.index() >= r.getNumTasks())) {
      throw new ValidationException("num_tasks " + r.getNumTasks() + " does not cover task index " + task.index());
    }
    if (r.getAttemptId() < 0) {
      throw new ValidationException("attempt_id must not be negative, got " + r.getAttemptId());
    }
    if (r.getTimeoutSeconds() < 0) {
      throw new ValidationException("timeout_seconds must not be negative, got " + r.getTimeoutSeconds());
    }
    List<String> argv = TaskSpecRules.command(
        ProtoSpecs.command(r.hasEntrypoint(), r.getEntrypoint(), r.getSerializedEntrypoint()));
    TaskSpecRules.setupCommand(r.getEnvironment().getSetupCommandList());
    TaskSpecRules.env(r.getEnvironment().getEnvVarsMap());
    TaskSpecRules.ports(r.getPortsList());
    TaskSpecRules.bundleHash(r.getBundleHash());
    return argv;
  }
}
