package dev.iris.worker;

import dev.iris.rpc.ClusterEvent;
import dev.iris.rpc.Controller;
import dev.iris.rpc.ControllerService;
import dev.iris.rpc.Empty;
import io.vertx.core.Future;
import io.vertx.core.streams.ReadStream;

/** A controller link that forwards every call; tests override the calls they want to disturb. */
class ForwardingController implements ControllerService {
  private final ControllerService delegate;

  ForwardingController(ControllerService delegate) {
    this.delegate = delegate;
  }

  @Override
  public Future<Controller.ReportTaskStateResponse> reportTaskState(Controller.ReportTaskStateRequest request) {
    return delegate.reportTaskState(request);
  }

  @Override
  public Future<Controller.ReportTaskStatesResponse> reportTaskStates(Controller.ReportTaskStatesRequest request) {
    return delegate.reportTaskStates(request);
  }

  @Override
  public Future<Controller.RegisterWorkerResponse> registerWorker(Controller.RegisterWorkerRequest request) {
    return delegate.registerWorker(request);
  }

  @Override
  public Future<Controller.HeartbeatResponse> heartbeat(Controller.HeartbeatRequest request) {
    return delegate.heartbeat(request);
  }

  @Override
  public Future<dev.iris.rpc.Worker.FetchTaskLogsResponse> fetchTaskLogs(Controller.FetchTaskLogsRequest request) {
    return delegate.fetchTaskLogs(request);
  }

  @Override
  public Future<Controller.GetBundleResponse> getBundle(Controller.GetBundleRequest request) {
    return delegate.getBundle(request);
  }

  @Override
  public Future<Controller.LaunchJobResponse> launchJob(Controller.LaunchJobRequest request) {
    return delegate.launchJob(request);
  }

  @Override
  public Future<Controller.GetJobStatusResponse> getJobStatus(Controller.GetJobStatusRequest request) {
    return delegate.getJobStatus(request);
  }

  @Override
  public Future<Empty> terminateJob(Controller.TerminateJobRequest request) {
    return delegate.terminateJob(request);
  }

  @Override
  public Future<Controller.ListJobsResponse> listJobs(Controller.ListJobsRequest request) {
    return delegate.listJobs(request);
  }

  @Override
  public Future<Controller.GetTaskStatusResponse> getTaskStatus(Controller.GetTaskStatusRequest request) {
    return delegate.getTaskStatus(request);
  }

  @Override
  public Future<Controller.ListTasksResponse> listTasks(Controller.ListTasksRequest request) {
    return delegate.listTasks(request);
  }

  @Override
  public Future<Controller.ListWorkersResponse> listWorkers(Controller.ListWorkersRequest request) {
    return delegate.listWorkers(request);
  }

  @Override
  public Future<Controller.RegisterEndpointResponse> registerEndpoint(Controller.RegisterEndpointRequest request) {
    return delegate.registerEndpoint(request);
  }

  @Override
  public Future<Empty> unregisterEndpoint(Controller.UnregisterEndpointRequest request) {
    return delegate.unregisterEndpoint(request);
  }

  @Override
  public Future<Controller.LookupEndpointResponse> lookupEndpoint(Controller.LookupEndpointRequest request) {
    return delegate.lookupEndpoint(request);
  }

  @Override
  public Future<Controller.ListEndpointsResponse> listEndpoints(Controller.ListEndpointsRequest request) {
    return delegate.listEndpoints(request);
  }

  @Override
  public Future<ReadStream<ClusterEvent>> watchEvents(Controller.WatchEventsRequest request) {
    return delegate.watchEvents(request);
  }
}
