package dev.iris.link;

import dev.iris.common.GrpcUnary;
import dev.iris.rpc.Empty;
import dev.iris.rpc.TaskStatus;
import dev.iris.rpc.Worker;
import dev.iris.rpc.WorkerService;
import dev.iris.rpc.WorkerServiceGrpcClient;
import io.vertx.core.Future;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;

/** A worker process reached over gRPC. */
public final class GrpcWorkerLink implements WorkerService {
  private final GrpcClient client;
  private final SocketAddress server;
  private final long timeoutMs;
  private final String token;

  /** A link whose calls bear no credential (a server without authentication). */
  public GrpcWorkerLink(GrpcClient client, SocketAddress server, long timeoutMs) {
    this(client, server, timeoutMs, "");
  }

  /** @param token what every call bears: the controller's token for its workers (empty: none) */
  public GrpcWorkerLink(GrpcClient client, SocketAddress server, long timeoutMs, String token) {
    this.token = token;
    this.client = client;
    this.server = server;
    this.timeoutMs = timeoutMs;
  }

  @Override
  public Future<Worker.RunTaskResponse> runTask(Worker.RunTaskRequest request) {
    return GrpcUnary.call(client, server, WorkerServiceGrpcClient.RunTask, request, timeoutMs, token);
  }

  @Override
  public Future<TaskStatus> getTaskStatus(Worker.GetTaskStatusRequest request) {
    return GrpcUnary.call(client, server, WorkerServiceGrpcClient.GetTaskStatus, request, timeoutMs, token);
  }

  @Override
  public Future<Worker.ListTasksResponse> listTasks(Worker.ListTasksRequest request) {
    return GrpcUnary.call(client, server, WorkerServiceGrpcClient.ListTasks, request, timeoutMs, token);
  }

  @Override
  public Future<Worker.FetchTaskLogsResponse> fetchTaskLogs(Worker.FetchTaskLogsRequest request) {
    return GrpcUnary.call(client, server, WorkerServiceGrpcClient.FetchTaskLogs, request, timeoutMs, token);
  }

  @Override
  public Future<Empty> killTask(Worker.KillTaskRequest request) {
    return GrpcUnary.call(client, server, WorkerServiceGrpcClient.KillTask, request, timeoutMs, token);
  }

  @Override
  public Future<Worker.HealthResponse> healthCheck(Empty request) {
    return GrpcUnary.call(client, server, WorkerServiceGrpcClient.HealthCheck, request, timeoutMs, token);
  }
}
