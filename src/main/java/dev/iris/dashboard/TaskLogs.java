package dev.iris.dashboard;

import dev.iris.common.ProtoStates;
import dev.iris.controller.StoreClient;
import dev.iris.controller.StoreQuery;
import dev.iris.core.JobId;
import dev.iris.core.ValidationException;
import dev.iris.link.WorkerLinks;
import dev.iris.rpc.Worker;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code GET /api/jobs/<id>/tasks/<index>/logs}: the controller keeps no logs, so this finds the task's
 * attempt and its worker in the store, then asks that worker. Parameters: {@code attempt} (default the
 * current one), {@code start_line} (negative: the last N lines; a tail asks from the last line it saw
 * plus one), {@code since_ms} (exclusive), {@code regex}, {@code max_lines} (default 1000).
 */
final class TaskLogs {
  static final long WORKER_TIMEOUT_MS = 5_000;
  static final int DEFAULT_MAX_LINES = 1000;
  static final int MAX_LINES = 10_000;
  private final StoreClient store;
  private final WorkerLinks links;

  TaskLogs(Vertx vertx, StoreClient store) {
    this.store = store;
    this.links = new WorkerLinks(vertx, WORKER_TIMEOUT_MS);
  }

  void handle(RoutingContext ctx) {
    try {
      JobId id = JobId.of(ctx.pathParam("param0"));
      int index = parseIndex(ctx.pathParam("param1"));
      int attempt = DashboardRoutes.intParam(ctx, "attempt", -1, -1, Integer.MAX_VALUE);
      Worker.FetchLogsFilter filter = filter(ctx);
      DashboardRoutes.respond(ctx, store.read(new StoreQuery.FindLogSource(id, index, attempt < 0 ? null : attempt))
          .compose(source -> fetch(source, filter)));
    } catch (RuntimeException e) {
      DashboardRoutes.fail(ctx, e);
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
    return links.forAddress(t.workerAddress()).fetchTaskLogs(request)
        .recover(e -> Future.failedFuture(new io.vertx.grpc.server.StatusException(
            io.vertx.grpc.common.GrpcStatus.UNAVAILABLE,
            "logs of " + t.taskId() + " from worker " + t.workerId() + ": " + dev.iris.common.RpcErrors.messageOf(e))))
        .map(r -> {
          JsonArray lines = new JsonArray();
          r.getLogsList().forEach(e -> lines.add(line(e)));
          return out.put("logs", lines);
        });
  }

  static JsonObject line(Worker.LogEntry e) {
    return new JsonObject().put("timestamp_ms", e.getTimestampMs()).put("source", e.getSource())
        .put("data", e.getData()).put("line_number", e.getLineNumber());
  }

  static Worker.FetchLogsFilter filter(RoutingContext ctx) {
    Worker.FetchLogsFilter.Builder f = Worker.FetchLogsFilter.newBuilder()
        .setMaxLines(DashboardRoutes.intParam(ctx, "max_lines", DEFAULT_MAX_LINES, 1, MAX_LINES));
    String regex = DashboardRoutes.param(ctx, "regex", "");
    if (!regex.isEmpty()) {
      try {
        Pattern.compile(regex);
      } catch (PatternSyntaxException e) {
        throw new ValidationException("regex is not valid: " + e.getDescription());
      }
      f.setRegex(regex);
    }
    f.setStartLine(longParam(ctx, "start_line"));
    f.setStartMs(Math.max(0, longParam(ctx, "since_ms")));
    return f.build();
  }

  private static long longParam(RoutingContext ctx, String name) {
    String v = DashboardRoutes.param(ctx, name, "");
    try {
      return v.isEmpty() ? 0 : Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new ValidationException(name + " must be a whole number");
    }
  }

  private static int parseIndex(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new ValidationException("task index '" + s + "' is not a number");
    }
  }
}
