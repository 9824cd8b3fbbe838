package dev.iris.link;

import dev.iris.common.EventBusRpc;
import dev.iris.common.RpcException;
import dev.iris.rpc.ClusterEvent;
import dev.iris.rpc.Controller;
import dev.iris.rpc.ControllerService;
import dev.iris.rpc.Empty;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.streams.ReadStream;
import io.vertx.grpc.common.GrpcStatus;

/**
 * The controller reached over the event bus, for workers in the controller's JVM. The event watch is
 * served over gRPC only.
 */
public final class EventBusControllerLink implements ControllerService {
  private final EventBus bus;
  private final long timeoutMs;

  public EventBusControllerLink(EventBus bus, long timeoutMs) {
    this.bus = bus;
    this.timeoutMs = timeoutMs;
    dev.iris.common.LocalCodec.register(bus); // requests and replies travel by reference
  }

  /** The event-bus address of the controller's {@code method}: {@code iris.controller.<method>}. */
  public static String address(String method) {
    return "iris.controller." + method;
  }

  @Override
  public Future<Controller.LaunchJobResponse> launchJob(Controller.LaunchJobRequest request) {
    return EventBusRpc.call(bus, address("LaunchJob"), request, Controller.LaunchJobResponse.parser(), timeoutMs);
  }

  @Override
  public Future<Controller.GetJobStatusResponse> getJobStatus(Controller.GetJobStatusRequest request) {
    return EventBusRpc.call(bus, address("GetJobStatus"), request, Controller.GetJobStatusResponse.parser(), timeoutMs);
  }

  @Override
  public Future<Empty> terminateJob(Controller.TerminateJobRequest request) {
    return EventBusRpc.call(bus, address("TerminateJob"), request, Empty.parser(), timeoutMs);
  }

  @Override
  public Future<Controller.ListJobsResponse> listJobs(Controller.ListJobsRequest request) {
    return EventBusRpc.call(bus, address("ListJobs"), request, Controller.ListJobsResponse.parser(), timeoutMs);
  }

  @Override
  public Future<Controller.GetTaskStatusResponse> getTaskStatus(Controller.GetTaskStatusRequest request) {
    return EventBusRpc.call(bus, address("GetTaskStatus"), request, Controller.GetTaskStatusResponse.parser(),
        timeoutMs);
  }

  @Override
  public Future<Controller.ListTasksResponse> listTasks(Controller.ListTasksRequest request) {
    return EventBusRpc.call(bus, address("ListTasks"), request, Controller.ListTasksResponse.parser(), timeoutMs);
  }

  @Override
  public Future<Controller.RegisterWorkerResponse> registerWorker(Controller.RegisterWorkerRequest request) {
    return EventBusRpc.call(bus, address("RegisterWorker"), request,
        Controller.RegisterWorkerResponse.parser(), timeoutMs);
  }

  @Override
  public Future<Controller.HeartbeatResponse> heartbeat(Controller.HeartbeatRequest request) {
    return EventBusRpc.call(bus, address("Heartbeat"), request, Controller.HeartbeatResponse.parser(), timeoutMs);
  }

  @Override
  public Future<Controller.ListWorkersResponse> listWorkers(Controller.ListWorkersRequest request) {
    return EventBusRpc.call(bus, address("ListWorkers"), request, Controller.ListWorkersResponse.parser(), timeoutMs);
  }

  @Override
  public Future<Controller.ReportTaskStateResponse> reportTaskState(Controller.ReportTaskStateRequest request) {
    return EventBusRpc.call(bus, address("ReportTaskState"), request,
        Controller.ReportTaskStateResponse.parser(), timeoutMs);
  }

  @Override
  public Future<Controller.ReportTaskStatesResponse> reportTaskStates(Controller.ReportTaskStatesRequest request) {
    return EventBusRpc.call(bus, address("ReportTaskStates"), request, Controller.ReportTaskStatesResponse.parser(),
        timeoutMs);
  }

  @Override
  public Future<Controller.GetBundleResponse> getBundle(Controller.GetBundleRequest request) {
    return EventBusRpc.call(bus, address("GetBundle"), request, Controller.GetBundleResponse.parser(), timeoutMs);
  }

  @Override
  public Future<Controller.RegisterEndpointResponse> registerEndpoint(Controller.RegisterEndpointRequest request) {
    return EventBusRpc.call(bus, address("RegisterEndpoint"), request,
        Controller.RegisterEndpointResponse.parser(), timeoutMs);
  }

  @Override
  public Future<Empty> unregisterEndpoint(Controller.UnregisterEndpointRequest request) {
    return EventBusRpc.call(bus, address("UnregisterEndpoint"), request, Empty.parser(), timeoutMs);
  }

  @Override
  public Future<Controller.LookupEndpointResponse> lookupEndpoint(Controller.LookupEndpointRequest request) {
    return EventBusRpc.call(bus, address("LookupEndpoint"), request,
        Controller.LookupEndpointResponse.parser(), timeoutMs);
  }

  @Override
  public Future<Controller.ListEndpointsResponse> listEndpoints(Controller.ListEndpointsRequest request) {
    return EventBusRpc.call(bus, address("ListEndpoints"), request, Controller.ListEndpointsResponse.parser(),
        timeoutMs);
  }

  @Override
  public Future<dev.iris.rpc.Worker.FetchTaskLogsResponse> fetchTaskLogs(Controller.FetchTaskLogsRequest request) {
    return EventBusRpc.call(bus, address("FetchTaskLogs"), request, dev.iris.rpc.Worker.FetchTaskLogsResponse.parser(),
        timeoutMs);
  }

  @Override
  public Future<ReadStream<ClusterEvent>> watchEvents(Controller.WatchEventsRequest request) {
    return Future.failedFuture(new RpcException(GrpcStatus.UNIMPLEMENTED, "watch the controller over gRPC"));
  }
}
