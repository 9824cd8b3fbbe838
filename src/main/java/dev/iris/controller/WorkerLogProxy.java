package dev.iris.controller;

import dev.iris.common.RpcErrors;
import dev.iris.common.RpcException;
import dev.iris.controller.state.StoreException;
import dev.iris.controller.state.WorkerRecord;
import dev.iris.core.Job;
import dev.iris.core.JobId;
import dev.iris.core.Task;
import dev.iris.core.TaskAttempt;
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

  /**
   * Where a task's logs live: the worker and attempt to ask. {@code assigned}: the attempt may not have
   * reached its worker yet, which then does not know it.
   */
  private record LogSource(String workerAddress, String taskId, int attemptId, boolean assigned) {}

  Future<Worker.FetchTaskLogsResponse> fetch(Controller.FetchTaskLogsRequest request) {
    JobId id = RequestChecks.jobId(request.getJobId());
    int index = request.getTaskIndex();
    Integer wanted = request.hasAttemptId() ? request.getAttemptId() : null;
    return store.call((s, now) -> {
      Job job = StateLookups.job(s, id);
      Task task = StateLookups.task(job, id, index);
      TaskAttempt attempt = wanted == null ? task.currentAttempt()
          : task.attempts().stream().filter(a -> a.attemptId() == wanted).findFirst()
              .orElseThrow(() -> StoreException.notFound("attempt " + wanted + " of " + task.id() + " not found"));
      if (attempt == null) {
        return new LogSource(null, task.id().toString(), -1, false);
      }
      String address = s.worker(attempt.workerId()).map(WorkerRecord::address).orElse(null);
      return new LogSource(address, task.id().toString(), attempt.attemptId(),
          attempt.state() == dev.iris.core.TaskState.ASSIGNED);
    }).compose(src -> ask(src, request));
  }

  private Future<Worker.FetchTaskLogsResponse> ask(LogSource src, Controller.FetchTaskLogsRequest request) {
    if (src.attemptId() < 0) {
      return Future.succeededFuture(Worker.FetchTaskLogsResponse.getDefaultInstance());
    }
    if (src.workerAddress() == null) {
      return Future.failedFuture(new StatusException(GrpcStatus.UNAVAILABLE,
          "the worker of " + src.taskId() + " is gone; its logs went with it"));
    }
    return workerLinks.forAddress(src.workerAddress()).fetchTaskLogs(Worker.FetchTaskLogsRequest
        .newBuilder().setTaskId(src.taskId()).setAttemptId(src.attemptId()).setFilter(request.getFilter()).build())
        .recover(t -> src.assigned() && notFound(t)
            ? Future.succeededFuture(Worker.FetchTaskLogsResponse.getDefaultInstance()) // no lines yet
            : Future.failedFuture(t));
  }

  /** Whether a worker link's failure says NOT_FOUND (links fail with {@link RpcException}). */
  private static boolean notFound(Throwable t) {
    GrpcStatus status = RpcErrors.statusOf(t);
    return status == GrpcStatus.NOT_FOUND;
  }
}
