package dev.iris.web;

import dev.iris.common.RpcErrors;
import dev.iris.core.ValidationException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.grpc.common.GrpcStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plumbing of JSON routes, shared by the controller's dashboard and a worker's page: query parameters
 * checked with a one-line error, a future answered as JSON (never cached), and a failure answered with the
 * HTTP status that matches its gRPC status and a JSON {@code error}.
 */
public final class JsonRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(JsonRoutes.class);

  private JsonRoutes() {}

  /** The query parameter, trimmed; {@code fallback} when absent. */
  public static String param(RoutingContext ctx, String name, String fallback) {
    String v = ctx.request().getParam(name);
    return v == null ? fallback : v.trim();
  }

  /** A whole-number query parameter within {@code min..max}; {@code fallback} when absent. */
  public static int intParam(RoutingContext ctx, String name, int fallback, int min, int max) {
    String v = param(ctx, name, "");
    if (v.isEmpty()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new ValidationException(name + " must be a whole number from " + min + " to " + max);
  }



  /** Answers with the JSON {@code result} completes with, or with its failure. */
  public static void respond(RoutingContext ctx, Future<JsonObject> result) {
    result.onSuccess(json -> {
      if (!ctx.response().ended()) {
        ctx.response().putHeader("cache-control", "no-store");
        ctx.json(json);
      }
    }).onFailure(t -> fail(ctx, t));
  }

  /** Answers a failure with an HTTP status that matches its gRPC status and a one-line JSON error. */
  public static void fail(RoutingContext ctx, Throwable t) {
    var status = RpcErrors.toStatus(t);
    int code = httpStatus(status.status());
    if (code >= 500) {
      LOG.warn("{} {} failed: {}", ctx.request().method(), ctx.request().path(), status.message());
    }
    error(ctx, code, status.message());
  }

  /** The HTTP status that matches a gRPC status. */
  public static int httpStatus(GrpcStatus s) {
    return switch (s) {
      case INVALID_ARGUMENT, OUT_OF_RANGE -> 400;
      case UNAUTHENTICATED -> 401;
      case PERMISSION_DENIED -> 403;
      case NOT_FOUND -> 404;
      case ALREADY_EXISTS, FAILED_PRECONDITION, ABORTED -> 409;
      case DEADLINE_EXCEEDED -> 504;
      case UNAVAILABLE -> 502;
      default -> 500;
    };
  }

  /** Answers {@code code} with {@code {"error": message}}, unless the response was ended already. */
  public static void error(RoutingContext ctx, int code, String message) {
    if (!ctx.response().ended()) {
      ctx.response().setStatusCode(code).putHeader("content-type", "application/json")
          .end(new JsonObject().put("error", message).encode());
    }
  }
}
