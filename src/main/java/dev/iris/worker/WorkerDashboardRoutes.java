package dev.iris.worker;

import dev.iris.common.ProtoStates;
import dev.iris.rpc.TaskState;
import dev.iris.rpc.Worker;
import dev.iris.rpc.WorkerService;
import dev.iris.web.BrowserGuards;
import dev.iris.web.JsonRoutes;
import dev.iris.web.LogQueries;
import dev.iris.web.ProtoJson;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The small dashboard on a worker's port: {@code /} is the worker page; {@code /api/tasks} lists the
 * worker's task attempts with counts by state (ASSIGNED included); {@code /api/tasks/logs?task_id=...}
 * reads one attempt's logs. Both answer from the worker's own {@link WorkerService}.
 */
final class WorkerDashboardRoutes {
  private final WorkerService service;
  private final String workerId;

  private WorkerDashboardRoutes(WorkerService service, String workerId) {
    this.service = service;
    this.workerId = workerId;
  }

  static void mount(Router router, WorkerService service, String workerId) {
    new WorkerDashboardRoutes(service, workerId).addTo(router);
  }

  private void addTo(Router router) {
    BrowserGuards.install(router);
    router.get("/api/tasks").handler(this::tasks);
    router.get("/api/tasks/logs").handler(this::logs);
    router.route("/api/*").handler(ctx -> JsonRoutes.error(ctx, 404, "no such API: " + ctx.request().path()));
    router.get("/").handler(ctx -> ctx.reroute("/worker.html"));
    router.route("/*").handler(StaticHandler.create("webroot"));
  }

  private void tasks(RoutingContext ctx) {
    JsonRoutes.respond(ctx, service.listTasks(Worker.ListTasksRequest.getDefaultInstance()).map(r -> {
      JsonObject counts = new JsonObject();
      for (TaskState s : TaskState.values()) {
        if (ProtoStates.toDomain(s).isPresent()) {
          counts.put(s.name(), 0);
        }
      }
      r.getTasksList().forEach(t -> counts.put(t.getState().name(), counts.getInteger(t.getState().name(), 0) + 1));
      return new JsonObject().put("worker_id", workerId).put("tasks", ProtoJson.array(r.getTasksList()))
          .put("counts", counts);
    }));
  }

  private void logs(RoutingContext ctx) {
    try {
      String taskId = JsonRoutes.param(ctx, "task_id", "");
      if (taskId.isEmpty()) {
        throw new dev.iris.core.ValidationException("task_id is required");
      }
      Worker.FetchTaskLogsRequest.Builder req = Worker.FetchTaskLogsRequest.newBuilder().setTaskId(taskId)
          .setFilter(LogQueries.filter(ctx));
      int attempt = JsonRoutes.intParam(ctx, "attempt", -1, -1, Integer.MAX_VALUE);
      if (attempt >= 0) {
        req.setAttemptId(attempt);
      }
      JsonRoutes.respond(ctx, service.fetchTaskLogs(req.build()).map(r -> {
        JsonArray lines = new JsonArray();
        r.getLogsList().forEach(e -> lines.add(LogQueries.line(e)));
        return new JsonObject().put("task_id", taskId).put("worker_id", workerId).put("logs", lines);
      }));
    } catch (RuntimeException e) {
      JsonRoutes.fail(ctx, e);
    }
  }
}
