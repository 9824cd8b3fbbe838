package dev.iris.worker;

import dev.iris.common.RpcException;
import dev.iris.rpc.ClusterEvent;
import dev.iris.rpc.Controller;
import dev.iris.rpc.ControllerService;
import dev.iris.rpc.Empty;
import io.vertx.core.Future;
import io.vertx.core.streams.ReadStream;
import io.vertx.grpc.common.GrpcStatus;
import java.util.concurrent.atomic.AtomicInteger;

/** A link to a real controller whose first {@code n} task reports fail as if the controller were unreachable. */
final class FlakyControllerLink implements ControllerService {
  private final ControllerService delegate;
  final AtomicInteger reportsToFail;
  final AtomicInteger failedReports = new AtomicInteger();
  final AtomicInteger deliveredReports = new AtomicInteger();

  FlakyControllerLink(ControllerService delegate, int failFirstReports) {
    this.delegate = delegate;
    this.reportsToFail = new AtomicInteger(failFirstReports);
  }

  @Override
  public Future<Controller.ReportTaskStateResponse> reportTaskState(Controller.ReportTaskStateRequest request) {
    if (reportsToFail.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      failedReports.incrementAndGet();
      return Future.failedFuture(new RpcException(GrpcStatus.UNAVAILABLE, "controller unreachable (test)"));
    }
    return delegate.reportTaskState(request).onSuccess(r -> deliveredReports.incrementAndGet());
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
