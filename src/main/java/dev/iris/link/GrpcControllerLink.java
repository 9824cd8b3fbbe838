package dev.iris.link;

import dev.iris.common.GrpcUnary;
import dev.iris.common.RpcException;
import dev.iris.rpc.ClusterEvent;
import dev.iris.rpc.Controller;
import dev.iris.rpc.ControllerService;
import dev.iris.rpc.ControllerServiceGrpcClient;
import dev.iris.rpc.Empty;
import io.vertx.core.Future;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.streams.ReadStream;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcStatus;

/** The controller reached over gRPC, keeping the server's status messages. */
public final class GrpcControllerLink implements ControllerService {
  private final GrpcClient client;
  private final SocketAddress server;
  private final long timeoutMs;
  private final String token;

  /** A link whose calls bear no credential (a server without authentication). */
  public GrpcControllerLink(GrpcClient client, SocketAddress server, long timeoutMs) {
    this(client, server, timeoutMs, "");
  }

  /** @param token what every call bears ({@code authorization: Bearer <token>}); empty for none */
  public GrpcControllerLink(GrpcClient client, SocketAddress server, long timeoutMs, String token) {
    this.token = token;
    this.client = client;
    this.server = server;
    this.timeoutMs = timeoutMs;
  }

  @Override
  public Future<Controller.LaunchJobResponse> launchJob(Controller.LaunchJobRequest request) {
    return GrpcUnary.call(client, server, ControllerServiceGrpcClient.LaunchJob, request, timeoutMs, token);
  }

  @Override
  public Future<Controller.GetJobStatusResponse> getJobStatus(Controller.GetJobStatusRequest request) {
    return GrpcUnary.call(client, server, ControllerServiceGrpcClient.GetJobStatus, request, timeoutMs, token);
  }

  @Override
  public Future<Empty> terminateJob(Controller.TerminateJobRequest request) {
    return GrpcUnary.call(client, server, ControllerServiceGrpcClient.TerminateJob, request, timeoutMs, token);
  }

  @Override
  public Future<Controller.ListJobsResponse> listJobs(Controller.ListJobsRequest request) {
    return GrpcUnary.call(client, server, ControllerServiceGrpcClient.ListJobs, request, timeoutMs, token);
  }

  @Override
  public Future<Controller.GetTaskStatusResponse> getTaskStatus(Controller.GetTaskStatusRequest request) {
    return GrpcUnary.call(client, server, ControllerServiceGrpcClient.GetTaskStatus, request, timeoutMs, token);
  }

  @Override
  public Future<Controller.ListTasksResponse> listTasks(Controller.ListTasksRequest request) {
    return GrpcUnary.call(client, server, ControllerServiceGrpcClient.ListTasks, request, timeoutMs, token);
  }

  @Override
  public Future<Controller.RegisterWorkerResponse> registerWorker(Controller.RegisterWorkerRequest request) {
    return GrpcUnary.call(client, server, ControllerServiceGrpcClient.RegisterWorker, request, timeoutMs, token);
  }

  @Override
  public Future<Controller.HeartbeatResponse> heartbeat(Controller.HeartbeatRequest request) {
    return GrpcUnary.call(client, server, ControllerServiceGrpcClient.Heartbeat, request, timeoutMs, token);
  }

  @Override
  public Future<Controller.ListWorkersResponse> listWorkers(Controller.ListWorkersRequest request) {
    return GrpcUnary.call(client, server, ControllerServiceGrpcClient.ListWorkers, request, timeoutMs, token);
  }

  @Override
  public Future<Controller.ReportTaskStateResponse> reportTaskState(Controller.ReportTaskStateRequest request) {
    return GrpcUnary.call(client, server, ControllerServiceGrpcClient.ReportTaskState, request, timeoutMs, token);
  }

  @Override
  public Future<Controller.ReportTaskStatesResponse> reportTaskStates(Controller.ReportTaskStatesRequest request) {
    return GrpcUnary.call(client, server, ControllerServiceGrpcClient.ReportTaskStates, request, timeoutMs, token);
  }

  @Override
  public Future<Controller.GetBundleResponse> getBundle(Controller.GetBundleRequest request) {
    return GrpcUnary.call(client, server, ControllerServiceGrpcClient.GetBundle, request, timeoutMs, token);
  }

  @Override
  public Future<Controller.RegisterEndpointResponse> registerEndpoint(Controller.RegisterEndpointRequest request) {
    return GrpcUnary.call(client, server, ControllerServiceGrpcClient.RegisterEndpoint, request, timeoutMs, token);
  }

  @Override
  public Future<Empty> unregisterEndpoint(Controller.UnregisterEndpointRequest request) {
    return GrpcUnary.call(client, server, ControllerServiceGrpcClient.UnregisterEndpoint, request, timeoutMs, token);
  }

  @Override
  public Future<Controller.LookupEndpointResponse> lookupEndpoint(Controller.LookupEndpointRequest request) {
    return GrpcUnary.call(client, server, ControllerServiceGrpcClient.LookupEndpoint, request, timeoutMs, token);
  }

  @Override
  public Future<Controller.ListEndpointsResponse> listEndpoints(Controller.ListEndpointsRequest request) {
    return GrpcUnary.call(client, server, ControllerServiceGrpcClient.ListEndpoints, request, timeoutMs, token);
  }

  @Override
  public Future<dev.iris.rpc.Worker.FetchTaskLogsResponse> fetchTaskLogs(Controller.FetchTaskLogsRequest request) {
    return GrpcUnary.call(client, server, ControllerServiceGrpcClient.FetchTaskLogs, request, timeoutMs, token);
  }

  @Override
  public Future<ReadStream<ClusterEvent>> watchEvents(Controller.WatchEventsRequest request) {
    return client.request(server, ControllerServiceGrpcClient.WatchEvents)
        .recover(t -> Future.failedFuture(GrpcUnary.connectFailed(server, t)))
        .compose(req -> {
          if (!token.isEmpty()) {
            req.headers().set(GrpcUnary.AUTHORIZATION, "Bearer " + token);
          }
          return req.end(request).compose(v -> req.response())
            .recover(t -> Future.failedFuture(RpcException.cut("watch on " + server + " failed: " + t.getMessage())))
            .compose(resp -> resp.status() != null && resp.status() != GrpcStatus.OK
                ? Future.failedFuture(new RpcException(resp.status(), resp.statusMessage()))
                : Future.succeededFuture(new WatchStream(req, resp)));
        });
  }
}
