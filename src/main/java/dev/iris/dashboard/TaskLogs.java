package dev.iris.dashboard;

import dev.iris.common.ProtoStates;
import dev.iris.common.Tls;
import dev.iris.controller.StoreClient;
import dev.iris.controller.StoreQuery;
import dev.iris.core.JobId;
import dev.iris.core.ValidationException;
import dev.iris.link.WorkerLinks;
import dev.iris.rpc.Worker;
import dev.iris.web.JsonRoutes;
import dev.iris.web.LogQueries;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /api/jobs/<id>/tasks/<index>/logs}: the controller keeps no logs, so this finds the task's
 * attempt and its worker in the store, then asks that worker. Parameters: {@code attempt} (default the
 * current one), {@code start_line} (negative: the last N lines; a tail asks from the last line it saw
 * plus one), {@code since_ms} (exclusive), {@code regex}, {@code max_lines} (see {@link LogQueries}).
 */
final class TaskLogs {
  static final long WORKER_TIMEOUT_MS = 5_000;
  private final StoreClient store;
  private final WorkerLinks links;

  TaskLogs(StoreClient store, WorkerLinks links) {
    this.store = store;
    this.links = links;
  }

  void handle(RoutingContext ctx) {
    try {
      JobId id = JobId.of(ctx.pathParam("param0"));
      int index = parseIndex(ctx.pathParam("param1"));
      int attempt = JsonRoutes.intParam(ctx, "attempt", -1, -1, Integer.MAX_VALUE);
      Worker.FetchLogsFilter filter = LogQueries.filter(ctx);
      JsonRoutes.respond(ctx, store.read(new StoreQuery.FindLogSource(id, index, attempt < 0 ? null : attempt))
          .compose(source -> fetch(source, filter)));
    } catch (RuntimeException e) {
      JsonRoutes.fail(ctx, e);
    }
  }

  private Future<JsonObject> fetch(StoreQuery.LogSource t, Worker.FetchLogsFilter filter) {
    JsonObject out = new JsonObject().put("task_id", t.taskId()).put("attempt_id", t.attemptId())
        .put("worker_id", t.workerId()).put("worker_address", t.workerAddress())
        .put("state", ProtoStates.toProto(t.taskState()).name());
    if (t.attemptId() < 0) {
      return Future.succeededFuture(out.put("logs", new JsonArray()).put("message", "not started on a worker yet"));
    }
    if (t.workerAddress().isEmpty()) {
      return Future.succeededFuture(out.put("logs", new JsonArray())
          .put("message", "worker " + t.workerId() + " is no longer known; its logs are gone"));
    }
    Worker.FetchTaskLogsRequest request = Worker.FetchTaskLogsRequest.newBuilder().setTaskId(t.taskId())
        .setAttemptId(t.attemptId()).setFilter(filter).build();
    return links.forWorker(t.workerId(), t.workerAddress()).fetchTaskLogs(request)
        .recover(e -> Future.failedFuture(new io.vertx.grpc.server.StatusException(
            io.vertx.grpc.common.GrpcStatus.UNAVAILABLE,
            "logs of " + t.taskId() + " from worker " + t.workerId() + ": " + dev.iris.common.RpcErrors.messageOf(e))))
        .map(r -> {
          JsonArray lines = new JsonArray();
          r.getLogsList().forEach(e -> lines.add(LogQueries.line(e)));
          return out.put("logs", lines);
        });
  }

  private static int parseIndex(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new ValidationException("task index '" + s + "' is not a number");
    }
  }
}
