package dev.iris.link;

import dev.iris.common.EventBusRpc;
import dev.iris.rpc.Empty;
import dev.iris.rpc.TaskStatus;
import dev.iris.rpc.Worker;
import dev.iris.rpc.WorkerService;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;

/** An in-process (or clustered) worker reached over the event bus. */
public final class EventBusWorkerLink implements WorkerService {
  private final EventBus bus;
  private final String workerId;
  private final long timeoutMs;

  public EventBusWorkerLink(EventBus bus, String workerId, long timeoutMs) {
    this.bus = bus;
    this.workerId = workerId;
    this.timeoutMs = timeoutMs;
    dev.iris.common.LocalCodec.register(bus); // requests and replies travel by reference
  }

  /** The address of {@code method} of worker {@code workerId}. */
  public static String address(String workerId, String method) {
    return "iris.worker." + workerId + "." + method;
  }

  @Override
  public Future<Worker.RunTaskResponse> runTask(Worker.RunTaskRequest request) {
    return EventBusRpc.call(bus, address(workerId, "RunTask"), request, Worker.RunTaskResponse.parser(), timeoutMs);
  }

  @Override
  public Future<TaskStatus> getTaskStatus(Worker.GetTaskStatusRequest request) {
    return EventBusRpc.call(bus, address(workerId, "GetTaskStatus"), request, TaskStatus.parser(), timeoutMs);
  }

  @Override
  public Future<Worker.ListTasksResponse> listTasks(Worker.ListTasksRequest request) {
    return EventBusRpc.call(bus, address(workerId, "ListTasks"), request, Worker.ListTasksResponse.parser(), timeoutMs);
  }

  @Override
  public Future<Worker.FetchTaskLogsResponse> fetchTaskLogs(Worker.FetchTaskLogsRequest request) {
    return EventBusRpc.call(bus, address(workerId, "FetchTaskLogs"), request,
        Worker.FetchTaskLogsResponse.parser(), timeoutMs);
  }

  @Override
  public Future<Empty> killTask(Worker.KillTaskRequest request) {
    return EventBusRpc.call(bus, address(workerId, "KillTask"), request, Empty.parser(), timeoutMs);
  }

  @Override
  public Future<Worker.HealthResponse> healthCheck(Empty request) {
    return EventBusRpc.call(bus, address(workerId, "HealthCheck"), request, Worker.HealthResponse.parser(), timeoutMs);
  }
}
