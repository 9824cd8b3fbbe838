package dev.iris.controller;

import dev.iris.link.WorkerServiceBinding;
import dev.iris.rpc.ControllerService;
import dev.iris.rpc.Controller;
import dev.iris.rpc.Empty;
import dev.iris.rpc.TaskState;
import dev.iris.rpc.TaskStatus;
import dev.iris.rpc.Worker;
import dev.iris.rpc.WorkerMetadata;
import dev.iris.rpc.WorkerService;
import dev.iris.rpc.WorkerTaskEntry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A worker for controller tests: serves WorkerService on the event bus, registers and heartbeats through
 * a controller link, and ends each task the way {@code outcome} says, without running processes.
 */
final class FakeWorker {
  /** The most a worker may state as its start capacity (RegistrationChecks.MAX_START_CAPACITY). */
  private static final int MAX_START_CAPACITY = 10_000;
  final String id;
  final List<Worker.RunTaskRequest> runs = new CopyOnWriteArrayList<>();
  final List<Worker.KillTaskRequest> kills = new CopyOnWriteArrayList<>();
  final Map<String, WorkerTaskEntry> attempts = new ConcurrentHashMap<>();
  private final Vertx vertx;
  private final ControllerService controller;
  private final int cpu;
  private final Map<String, String> attributes;
  private volatile Function<Worker.RunTaskRequest, TaskState> outcome = r -> TaskState.TASK_STATE_SUCCEEDED;
  private volatile boolean heartbeating = true;
  private List<MessageConsumer<?>> consumers;
  private long timer = -1;

  FakeWorker(Vertx vertx, ControllerService controller, String id, int cpu, Map<String, String> attributes) {
    this.vertx = vertx;
    this.controller = controller;
    this.id = id;
    this.cpu = cpu;
    this.attributes = attributes;
  }

  /** null outcome: the task stays RUNNING until killed. */
  FakeWorker outcome(Function<Worker.RunTaskRequest, TaskState> f) {
    this.outcome = f;
    return this;
  }

  void stopHeartbeats() {
    heartbeating = false;
  }

  Future<FakeWorker> start() {
    consumers = WorkerServiceBinding.bind(vertx.eventBus(), id, new Service());
    timer = vertx.setPeriodic(100, t -> {
      if (heartbeating) {
        controller.heartbeat(Controller.HeartbeatRequest.newBuilder().setWorkerId(id)
            .addAllTasks(attempts.values()).build())
            .onSuccess(r -> {
              if (r.getReregister()) {
                register();
              }
            });
      }
    });
    return register().map(this);
  }

  private Future<Controller.RegisterWorkerResponse> register() {
    return controller.registerWorker(Controller.RegisterWorkerRequest.newBuilder().setWorkerId(id)
        .setAddress("bus://" + id)
        .setMetadata(WorkerMetadata.newBuilder().setCpuCount(cpu).setMemoryBytes(64L << 30)
            .setDiskBytes(1L << 40).putAllAttributes(attributes).setStartCapacity(Math.max(1, Math.min(cpu, MAX_START_CAPACITY)))) // starts are instant
        .build());
  }

  Future<Void> stop() {
    vertx.cancelTimer(timer);
    return WorkerServiceBinding.unbind(consumers);
  }

  private void report(Worker.RunTaskRequest r, TaskState state) {
    WorkerTaskEntry e = WorkerTaskEntry.newBuilder().setTaskId(r.getTaskId()).setAttemptId(r.getAttemptId())
        .setState(state).setExitCode(state == TaskState.TASK_STATE_FAILED ? 1 : 0)
        .setError(state == TaskState.TASK_STATE_FAILED ? "Exit code: 1" : "").build();
    attempts.put(r.getTaskId(), e);
    controller.reportTaskState(Controller.ReportTaskStateRequest.newBuilder().setWorkerId(id)
        .setTaskId(r.getTaskId()).setJobId(r.getJobId()).setTaskIndex(r.getTaskIndex()).setState(state)
        .setAttemptId(r.getAttemptId()).setExitCode(e.getExitCode()).setError(e.getError()).build());
  }

  private final class Service implements WorkerService {
    @Override
    public Future<Worker.RunTaskResponse> runTask(Worker.RunTaskRequest r) {
      runs.add(r);
      vertx.runOnContext(v -> {
        report(r, TaskState.TASK_STATE_RUNNING);
        TaskState end = outcome.apply(r);
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
      return Future.succeededFuture(Worker.FetchTaskLogsResponse.getDefaultInstance());
    }

    @Override
    public Future<Empty> killTask(Worker.KillTaskRequest r) {
      kills.add(r);
      WorkerTaskEntry e = attempts.get(r.getTaskId());
      if (e != null && e.getAttemptId() == r.getAttemptId()) {
        attempts.put(r.getTaskId(), e.toBuilder().setState(TaskState.TASK_STATE_KILLED).build());
      }
      return Future.succeededFuture(Empty.getDefaultInstance());
    }

    @Override
    public Future<Worker.HealthResponse> healthCheck(Empty request) {
      return Future.succeededFuture(Worker.HealthResponse.newBuilder().setHealthy(true).build());
    }
  }
}
