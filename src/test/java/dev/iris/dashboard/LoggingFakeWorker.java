package dev.iris.dashboard;

import dev.iris.link.WorkerServiceBinding;
import dev.iris.rpc.Controller;
import dev.iris.rpc.ControllerService;
import dev.iris.rpc.Empty;
import dev.iris.rpc.TaskState;
import dev.iris.rpc.TaskStatus;
import dev.iris.rpc.Worker;
import dev.iris.rpc.WorkerMetadata;
import dev.iris.rpc.WorkerTaskEntry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A worker for dashboard tests (after the controller tests' FakeWorker): serves WorkerService on the event
 * bus, registers and heartbeats, ends each task the way {@code outcome} says (null: it keeps running until
 * killed or {@link #finish}ed; ASSIGNED: it is accepted but never started) and keeps a few log lines per attempt that {@code FetchTaskLogs} filters.
 */
final class LoggingFakeWorker {
  final String id;
  final List<Worker.RunTaskRequest> runs = new CopyOnWriteArrayList<>();
  final List<Worker.KillTaskRequest> kills = new CopyOnWriteArrayList<>();
  private final Map<String, WorkerTaskEntry> attempts = new ConcurrentHashMap<>();
  private final Map<String, Worker.RunTaskRequest> requests = new ConcurrentHashMap<>();
  private final Map<String, List<Worker.LogEntry>> logs = new ConcurrentHashMap<>();
  private final Vertx vertx;
  private final ControllerService controller;
  private final int cpu;
  private volatile Function<Worker.RunTaskRequest, TaskState> outcome = r -> TaskState.TASK_STATE_SUCCEEDED;
  private List<MessageConsumer<?>> consumers;
  private long timer = -1;

  LoggingFakeWorker(Vertx vertx, ControllerService controller, String id, int cpu) {
    this.vertx = vertx;
    this.controller = controller;
    this.id = id;
    this.cpu = cpu;
  }

  LoggingFakeWorker outcome(Function<Worker.RunTaskRequest, TaskState> f) {
    this.outcome = f;
    return this;
  }

  Future<LoggingFakeWorker> start() {
    consumers = WorkerServiceBinding.bind(vertx.eventBus(), id, new Service());
    timer = vertx.setPeriodic(100, t -> controller.heartbeat(Controller.HeartbeatRequest.newBuilder()
        .setWorkerId(id).addAllTasks(attempts.values()).build())
        .onSuccess(r -> {
          if (r.getReregister()) {
            register();
          }
        }));
    return register().map(this);
  }

  Future<Void> stop() {
    vertx.cancelTimer(timer);
    return WorkerServiceBinding.unbind(consumers);
  }

  /** Appends a line to the current attempt of {@code taskId}. */
  void log(String taskId, String source, String data) {
    vertx.runOnContext(v -> append(key(taskId, attempts.get(taskId).getAttemptId()), source, data));
  }

  /** Ends a running task. */
  void finish(String taskId, TaskState state) {
    vertx.runOnContext(v -> report(requests.get(taskId), state));
  }

  private Future<Controller.RegisterWorkerResponse> register() {
    return controller.registerWorker(Controller.RegisterWorkerRequest.newBuilder().setWorkerId(id)
        .setAddress("bus://" + id)
        .setMetadata(WorkerMetadata.newBuilder().setCpuCount(cpu).setMemoryBytes(16L << 30)
            .setDiskBytes(1L << 40).setHostname(id + ".local").putAttributes("zone", "test-a"))
        .build());
  }

  private static String key(String taskId, int attempt) {
    return taskId + "#" + attempt;
  }

  private void append(String key, String source, String data) {
    List<Worker.LogEntry> lines = logs.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>());
    lines.add(Worker.LogEntry.newBuilder().setTimestampMs(System.currentTimeMillis()).setSource(source)
        .setData(data).setLineNumber(lines.size()).build());
  }

  private void report(Worker.RunTaskRequest r, TaskState state) {
    boolean failed = state == TaskState.TASK_STATE_FAILED;
    String key = key(r.getTaskId(), r.getAttemptId());
    if (state == TaskState.TASK_STATE_RUNNING) {
      append(key, "stdout", "hello from " + r.getTaskId() + " on " + id);
      append(key, "stdout", "step 1 of 2 done");
      append(key, "stderr", "warning: this is a fake worker");
    } else if (failed) {
      append(key, "stderr", "error: boom in " + r.getTaskId());
    } else {
      append(key, "stdout", "finished " + state.name());
    }
    WorkerTaskEntry e = WorkerTaskEntry.newBuilder().setTaskId(r.getTaskId()).setAttemptId(r.getAttemptId())
        .setState(state).setExitCode(failed ? 3 : 0).setError(failed ? "Exit code: 3" : "").build();
    attempts.put(r.getTaskId(), e);
    controller.reportTaskState(Controller.ReportTaskStateRequest.newBuilder().setWorkerId(id)
        .setTaskId(r.getTaskId()).setJobId(r.getJobId()).setTaskIndex(r.getTaskIndex()).setState(state)
        .setAttemptId(r.getAttemptId()).setExitCode(e.getExitCode()).setError(e.getError())
        .setResourceUsage(dev.iris.rpc.ResourceUsage.newBuilder().setMemoryMb(42).setCpuPercent(12)
            .setProcessCount(1))
        .build());
  }

  private final class Service implements dev.iris.rpc.WorkerService {
    @Override
    public Future<Worker.RunTaskResponse> runTask(Worker.RunTaskRequest r) {
      runs.add(r);
      requests.put(r.getTaskId(), r);
      vertx.runOnContext(v -> {
        TaskState end = outcome.apply(r);
        if (end == TaskState.TASK_STATE_ASSIGNED) { // accepted but never started: stays ASSIGNED
          attempts.put(r.getTaskId(), WorkerTaskEntry.newBuilder().setTaskId(r.getTaskId())
              .setAttemptId(r.getAttemptId()).setState(TaskState.TASK_STATE_ASSIGNED).build());
          return;
        }
        report(r, TaskState.TASK_STATE_RUNNING);
        if (end != null) {
          report(r, end);
        }
      });
      return Future.succeededFuture(Worker.RunTaskResponse.newBuilder().setTaskId(r.getTaskId())
          .setState(TaskState.TASK_STATE_ASSIGNED).build());
    }

    @Override
    public Future<TaskStatus> getTaskStatus(Worker.GetTaskStatusRequest request) {
      return Future.failedFuture("unused");
    }

    @Override
    public Future<Worker.ListTasksResponse> listTasks(Worker.ListTasksRequest request) {
      return Future.succeededFuture(Worker.ListTasksResponse.getDefaultInstance());
    }

    @Override
    public Future<Worker.FetchTaskLogsResponse> fetchTaskLogs(Worker.FetchTaskLogsRequest request) {
      List<Worker.LogEntry> all = logs.getOrDefault(key(request.getTaskId(), request.getAttemptId()), List.of());
      Worker.FetchLogsFilter f = request.getFilter();
      Pattern p = f.getRegex().isEmpty() ? null : Pattern.compile(f.getRegex());
      List<Worker.LogEntry> out = new ArrayList<>();
      for (Worker.LogEntry e : all) {
        if ((f.getStartLine() >= 0 && e.getLineNumber() < f.getStartLine())
            || (f.getStartMs() > 0 && e.getTimestampMs() <= f.getStartMs())
            || (p != null && !p.matcher(e.getData()).find())) {
          continue;
        }
        out.add(e);
      }
      int max = f.getMaxLines() > 0 ? f.getMaxLines() : Integer.MAX_VALUE;
      if (f.getStartLine() < 0) {
        max = (int) Math.min(max, -f.getStartLine());
        out = out.subList(Math.max(0, out.size() - max), out.size());
      } else if (out.size() > max) {
        out = out.subList(0, max);
      }
      return Future.succeededFuture(Worker.FetchTaskLogsResponse.newBuilder().addAllLogs(out).build());
    }

    @Override
    public Future<Empty> killTask(Worker.KillTaskRequest r) {
      kills.add(r);
      WorkerTaskEntry e = attempts.get(r.getTaskId());
      if (e != null && e.getAttemptId() == r.getAttemptId()) {
        attempts.put(r.getTaskId(), e.toBuilder().setState(TaskState.TASK_STATE_KILLED).build());
        append(key(r.getTaskId(), r.getAttemptId()), "stderr", "received SIGTERM");
      }
      return Future.succeededFuture(Empty.getDefaultInstance());
    }

    @Override
    public Future<Worker.HealthResponse> healthCheck(Empty request) {
      return Future.succeededFuture(Worker.HealthResponse.newBuilder().setHealthy(true).build());
    }
  }
}
