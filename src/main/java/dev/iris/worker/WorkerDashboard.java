package dev.iris.worker;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.iris.rpc.Worker;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;

/**
 * The worker's small HTTP face next to gRPC on its port: {@code /health}, {@code /api/tasks} (the
 * ListTasks answer as JSON) and {@code /}, a page listing the tasks.
 */
final class WorkerDashboard {
  private static final JsonFormat.Printer JSON = JsonFormat.printer().omittingInsignificantWhitespace();
  private final String workerId;
  private final Supplier<Worker.ListTasksResponse> tasks;
  private final Supplier<Integer> running;

  WorkerDashboard(String workerId, Supplier<Worker.ListTasksResponse> tasks, Supplier<Integer> running) {
    this.workerId = workerId;
    this.tasks = tasks;
    this.running = running;
  }

  void handle(HttpServerRequest req) {
    switch (req.path()) {
      case "/health" -> req.response().putHeader("content-type", "application/json").end(new JsonObject()
          .put("status", "ok").put("worker_id", workerId).put("running_tasks", running.get()).encode());
      case "/api/tasks" -> {
        try {
          req.response().putHeader("content-type", "application/json").end(JSON.print(tasks.get()));
        } catch (InvalidProtocolBufferException e) {
          req.response().setStatusCode(500).end(e.getMessage());
        }
      }
      case "/" -> req.response().putHeader("content-type", "text/html; charset=utf-8").end(page());
      default -> req.response().setStatusCode(404).end();
    }
  }

  private String page() {
    StringBuilder html = new StringBuilder("<!doctype html><meta charset=utf-8><title>iris worker ")
        .append(escape(workerId)).append("</title><h1>worker ").append(escape(workerId)).append("</h1>")
        .append("<table border=1 cellpadding=4><tr><th>task</th><th>attempt</th><th>state</th><th>exit</th>"
            + "<th>error</th><th>cpu %</th><th>memory MiB</th><th>ports</th></tr>");
    tasks.get().getTasksList().forEach(t -> html.append("<tr><td>").append(escape(t.getTaskId()))
        .append("</td><td>").append(t.getCurrentAttemptId())
        .append("</td><td>").append(t.getState().name().substring("TASK_STATE_".length()))
        .append("</td><td>").append(t.getExitCode())
        .append("</td><td>").append(escape(t.getError()))
        .append("</td><td>").append(t.getResourceUsage().getCpuPercent())
        .append("</td><td>").append(t.getResourceUsage().getMemoryMb())
        .append("</td><td>").append(escape(t.getPortsMap().toString())).append("</td></tr>"));
    return html.append("</table>").toString();
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
