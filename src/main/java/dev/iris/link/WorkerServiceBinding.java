package dev.iris.link;

import dev.iris.common.EventBusRpc;
import dev.iris.rpc.Empty;
import dev.iris.rpc.Worker;
import dev.iris.rpc.WorkerService;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.List;

/** Serves one worker's {@link WorkerService} on the event bus (the same handler code gRPC calls). */
public final class WorkerServiceBinding {
  private WorkerServiceBinding() {}

  /** Binds every method; returns the consumers so the caller can unregister them. */
  public static List<MessageConsumer<?>> bind(EventBus bus, String workerId, WorkerService service) {
    List<MessageConsumer<?>> c = new ArrayList<>();
    c.add(EventBusRpc.bind(bus, EventBusWorkerLink.address(workerId, "RunTask"),
        Worker.RunTaskRequest.parser(), service::runTask));
    c.add(EventBusRpc.bind(bus, EventBusWorkerLink.address(workerId, "GetTaskStatus"),
        Worker.GetTaskStatusRequest.parser(), service::getTaskStatus));
    c.add(EventBusRpc.bind(bus, EventBusWorkerLink.address(workerId, "ListTasks"),
        Worker.ListTasksRequest.parser(), service::listTasks));
    c.add(EventBusRpc.bind(bus, EventBusWorkerLink.address(workerId, "FetchTaskLogs"),
        Worker.FetchTaskLogsRequest.parser(), service::fetchTaskLogs));
    c.add(EventBusRpc.bind(bus, EventBusWorkerLink.address(workerId, "KillTask"),
        Worker.KillTaskRequest.parser(), service::killTask));
    c.add(EventBusRpc.bind(bus, EventBusWorkerLink.address(workerId, "HealthCheck"),
        Empty.parser(), service::healthCheck));
    return c;
  }

  /** Unregisters consumers returned by {@link #bind}. */
  /**
   * Where a worker in this JVM answers with its metrics in Prometheus text format, so that the controller
   * of {@code iris local} can serve the metrics of workers that have no port of their own.
   */
  public static String metricsAddress(String workerId) {
    return EventBusWorkerLink.address(workerId, "Metrics");
  }

  public static Future<Void> unbind(List<MessageConsumer<?>> consumers) {
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList()).mapEmpty();
  }
}
