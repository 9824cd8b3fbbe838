package dev.iris.web;

import dev.iris.core.LogRegex;
import dev.iris.core.ValidationException;
import dev.iris.rpc.Worker;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Log routes' query parameters and lines, the same on the controller's dashboard and a worker's page. */
public final class LogQueries {
  static final int DEFAULT_MAX_LINES = 1000;
  static final int MAX_LINES = 10_000;

  private LogQueries() {}

  /** One log line as the browser reads it. */
  public static JsonObject line(Worker.LogEntry e) {
    return new JsonObject().put("timestamp_ms", e.getTimestampMs()).put("source", e.getSource())
        .put("data", e.getData()).put("line_number", e.getLineNumber());
  }

  /**
   * The filter a log request's query asks for: {@code max_lines} (default 1000, at most 10,000), {@code regex}
   * (checked here), {@code start_line} (negative: the last N lines), {@code since_ms}.
   */
  public static Worker.FetchLogsFilter filter(RoutingContext ctx) {
    Worker.FetchLogsFilter.Builder f = Worker.FetchLogsFilter.newBuilder()
        .setMaxLines(JsonRoutes.intParam(ctx, "max_lines", DEFAULT_MAX_LINES, 1, MAX_LINES));
    String regex = JsonRoutes.param(ctx, "regex", "");
    if (!regex.isEmpty()) {
      LogRegex.compile(regex);
      f.setRegex(regex);
    }
    f.setStartLine(longParam(ctx, "start_line"));
    f.setStartMs(Math.max(0, longParam(ctx, "since_ms")));
    return f.build();
  }

  private static long longParam(RoutingContext ctx, String name) {
    String v = JsonRoutes.param(ctx, name, "");
    try {
      return v.isEmpty() ? 0 : Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new ValidationException(name + " must be a whole number");
    }
  }
}
