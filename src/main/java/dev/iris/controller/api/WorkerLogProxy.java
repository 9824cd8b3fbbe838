package dev.iris.controller.api;

import dev.iris.common.RpcErrors;
import dev.iris.common.RpcException;
import dev.iris.controller.StoreClient;
import dev.iris.controller.StoreQuery;
import dev.iris.core.JobId;
import dev.iris.link.WorkerLinks;
import dev.iris.rpc.Controller;
import dev.iris.rpc.Worker;
import io.vertx.core.Future;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;

/** Answers FetchTaskLogs by finding the worker that ran the attempt and asking it through a {@link WorkerLinks}. */
final class WorkerLogProxy {
  private final StoreClient store;
  private final WorkerLinks workerLinks;

  WorkerLogProxy(StoreClient store, WorkerLinks workerLinks) {
    this.store = store;
    this.workerLinks = workerLinks;
  }

  Future<Worker.FetchTaskLogsResponse> fetch(Controller.FetchTaskLogsRequest request) {
    JobId id = RequestChecks.jobId(request.getJobId());
    RequestChecks.logFilter(request.getFilter());
    Integer attempt = request.hasAttemptId() ? request.getAttemptId() : null;
    return store.read(new StoreQuery.FindLogSource(id, request.getTaskIndex(), attempt))
        .compose(src -> ask(src, request));
  }

  private Future<Worker.FetchTaskLogsResponse> ask(StoreQuery.LogSource src, Controller.FetchTaskLogsRequest request) {
    if (src.attemptId() < 0) {
      return Future.succeededFuture(Worker.FetchTaskLogsResponse.getDefaultInstance());
    }
    if (src.workerAddress().isEmpty()) {
      return Future.failedFuture(new StatusException(GrpcStatus.UNAVAILABLE,
          "the worker of " + src.taskId() + " is gone; its logs went with it"));
    }
    return workerLinks.forWorker(src.workerId(), src.workerAddress()).fetchTaskLogs(Worker.FetchTaskLogsRequest
        .newBuilder().setTaskId(src.taskId()).setAttemptId(src.attemptId()).setFilter(request.getFilter()).build())
        .recover(t -> src.attemptAssigned() && notFound(t)
            ? Future.succeededFuture(Worker.FetchTaskLogsResponse.getDefaultInstance()) // no lines yet
            : Future.failedFuture(t));
  }

  /** Whether a worker link's failure says NOT_FOUND (links fail with {@link RpcException}). */
  private static boolean notFound(Throwable t) {
    GrpcStatus status = RpcErrors.statusOf(t);
    return status == GrpcStatus.NOT_FOUND;
  }
}
