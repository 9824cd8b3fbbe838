package dev.iris.dashboard;

import static dev.iris.web.JsonRoutes.error;
import static dev.iris.web.JsonRoutes.fail;
import static dev.iris.web.JsonRoutes.intParam;
import static dev.iris.web.JsonRoutes.param;
import static dev.iris.web.JsonRoutes.respond;

import dev.iris.common.ProtoStates;
import dev.iris.controller.EventReplay;
import dev.iris.controller.ProtoMapper;
import dev.iris.controller.StoreClient;
import dev.iris.controller.StoreQuery;
import dev.iris.controller.StoreStatus;
import dev.iris.controller.api.ControllerServiceImpl;
import dev.iris.controller.api.HttpAuth;
import dev.iris.core.auth.Access;
import dev.iris.core.JobId;
import dev.iris.core.JobState;
import dev.iris.web.ProtoJson;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mounts the dashboard on the controller's router: the JSON read API under {@code /api} ({@code /api/controller}:
 * when the controller started, what it recovered, whether it can store changes), the kill action,
 * the {@code /api/feed} WebSocket, and the single-page front end from {@code webroot} (deep links are
 * {@code /#/jobs/<id>}; {@code /jobs/<id>} redirects there). Job ids contain {@code /} (child jobs), so
 * job routes are matched by regular expression.
 */
public final class DashboardRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(DashboardRoutes.class);
  static final int DEFAULT_PAGE_SIZE = 50;
  static final int MAX_PAGE_SIZE = 500;
  static final int DEFAULT_TASK_LIMIT = 1000;
  private final StoreClient store;
  private final ControllerServiceImpl api;
  private final LiveFeed feed;
  private final TaskLogs logs;

  private DashboardRoutes(Vertx vertx, ControllerServiceImpl api) {
    this.store = new StoreClient(vertx);
    this.api = api;
    this.feed = new LiveFeed(vertx, new EventReplay(vertx, store));
    this.logs = new TaskLogs(store, api.workerLinks(vertx, TaskLogs.WORKER_TIMEOUT_MS));
  }

  /**
   * Adds the dashboard's routes. Call from the verticle that owns the router (its context serves the
   * handlers, the feed and the worker links); actions go through the controller's {@code api}, as the
   * CLI's do.
   */
  public static void mount(Router router, ControllerServiceImpl api) {
    Context context = Vertx.currentContext();
    if (context == null) {
      throw new IllegalStateException("mount the dashboard from the verticle that owns the router");
    }
    new DashboardRoutes(context.owner(), api).addTo(router);
  }

  private void addTo(Router router) {
    router.route("/api/*").handler(ctx -> { // the dashboard shows the whole cluster: users, viewers, admins
      try {
        Access.require(HttpAuth.caller(ctx), Access.Permission.READ_CLUSTER);
        ctx.next();
      } catch (RuntimeException e) {
        fail(ctx, e);
      }
    });
    router.get("/api/jobs").handler(this::jobs);
    router.getWithRegex("/api/jobs/(.+)/tasks/([0-9]+)/logs").handler(logs::handle);
    router.postWithRegex("/api/jobs/(.+)/kill").handler(this::kill);
    router.getWithRegex("/api/jobs/(.+)").handler(this::job);
    router.get("/api/workers").handler(ctx -> respond(ctx, store.read(new StoreQuery.ListWorkers()).map(w -> {
      JsonArray rows = new JsonArray();
      w.workers().forEach(r -> rows.add(ProtoJson.object(r.status()).put("alive", r.alive())
          .put("suspect", r.suspect())));
      return new JsonObject().put("workers", rows).put("sequence", w.sequence());
    })));
    router.get("/api/endpoints").handler(ctx -> respond(ctx,
        store.read(new StoreQuery.ListEndpoints(param(ctx, "prefix", ""))).map(e -> new JsonObject()
            .put("endpoints", ProtoJson.array(e.endpoints().stream().map(ProtoMapper::endpoint).toList()))
            .put("sequence", e.sequence()))));
    router.get("/api/events").handler(this::events);
    router.get("/api/controller").handler(ctx -> respond(ctx, store.status().map(DashboardRoutes::controllerJson)));
    router.get("/api/feed/status").handler(ctx -> ctx.json(new JsonObject().put("open_feeds", feed.openFeeds())));
    router.get("/api/feed").handler(this::openFeed);
    router.route("/api/*").handler(ctx -> error(ctx, 404, "no such API: " + ctx.request().method() + " " + ctx.request().path()));
    router.getWithRegex("/jobs/(.+)").handler(ctx -> ctx.redirect("/#/jobs/" + ctx.pathParam("param0")));
    router.route("/*").handler(StaticHandler.create("webroot"));
  }

  // ------------------------------------------------------------------ handlers

  private void jobs(RoutingContext ctx) {
    try {
      ControllerServiceImpl.JobStatusView view = api.redacted(HttpAuth.caller(ctx));
      String ids = param(ctx, "ids", "");
      if (!ids.isEmpty()) {
        List<JobId> list = new ArrayList<>();
        for (String id : ids.split(",")) {
          if (!id.isBlank()) {
            list.add(JobId.of(id.trim()));
          }
        }
        respond(ctx, store.read(new StoreQuery.GetJobs(list)).map(p -> jobsJson(p, view)));
        return;
      }
      JobState state = jobState(param(ctx, "state", ""));
      int page = intParam(ctx, "page", 0, 0, Integer.MAX_VALUE / MAX_PAGE_SIZE);
      int size = intParam(ctx, "size", DEFAULT_PAGE_SIZE, 0, MAX_PAGE_SIZE);
      respond(ctx, store.read(new StoreQuery.ListJobTree(state, param(ctx, "prefix", ""), page, size))
          .map(p -> jobsJson(p, view)));
    } catch (RuntimeException e) {
      fail(ctx, e);
    }
  }

  private static JsonObject jobsJson(StoreQuery.JobsPage p, ControllerServiceImpl.JobStatusView view) {
    JsonObject counts = new JsonObject();
    for (JobState s : JobState.values()) {
      counts.put(ProtoStates.toProto(s).name(), p.counts().getOrDefault(s, 0));
    }
    return new JsonObject().put("jobs", ProtoJson.array(p.jobs().stream().map(view::apply).toList())).put("counts", counts).put("total", p.total())
        .put("page", p.page()).put("size", p.size()).put("sequence", p.sequence());
  }

  /** When the controller started, what it recovered, and whether it can store changes now. */
  static JsonObject controllerJson(StoreStatus s) {
    return new JsonObject().put("started_at_ms", s.startedAtMs()).put("durable", s.stateDir() != null)
        .put("state_dir", s.stateDir()).put("recovered", recoveryJson(s.recovered()))
        .put("reopened", recoveryJson(s.reopened())).put("writable", !s.failed()).put("failure", s.failure())
        .put("failing_since_ms", s.failingSinceMs()).put("reopens", s.reopens());
  }

  private static JsonObject recoveryJson(StoreStatus.Recovery r) {
    return r == null ? null : new JsonObject().put("at_ms", r.atMs()).put("records", r.records())
        .put("jobs", r.jobs()).put("workers", r.workers()).put("elapsed_ms", r.elapsedMs());
  }

  private void job(RoutingContext ctx) {
    try {
      JobId id = JobId.of(ctx.pathParam("param0"));
      ControllerServiceImpl.JobStatusView view = api.redacted(HttpAuth.caller(ctx));
      int offset = intParam(ctx, "task_offset", 0, 0, Integer.MAX_VALUE);
      int limit = intParam(ctx, "task_limit", DEFAULT_TASK_LIMIT, 0, 10_000);
      respond(ctx, store.read(new StoreQuery.GetJobDetail(id, offset, limit)).map(d -> new JsonObject()
          .put("job", ProtoJson.object(view.apply(d.job())))
          .put("children", ProtoJson.array(d.children().stream().map(view::apply).toList()))
          .put("task_offset", d.taskOffset()).put("focus_task", d.focusTask()).put("sequence", d.sequence())));
    } catch (RuntimeException e) {
      fail(ctx, e);
    }
  }

  /** Kills a job and its descendants through TerminateJob, as the CLI does; answers the job's state after. */
  private void kill(RoutingContext ctx) {
    String id = ctx.pathParam("param0");
    respond(ctx, api.terminate(HttpAuth.caller(ctx), id, "killed from the dashboard").map(state -> {
      LOG.info("job {} killed from the dashboard ({})", id, ctx.request().remoteAddress());
      return new JsonObject().put("job_id", id).put("state", ProtoStates.toProto(state).name());
    }));
  }

  private void events(RoutingContext ctx) {
    try {
      int limit = intParam(ctx, "limit", 200, 1, 1000);
      respond(ctx, store.read(new StoreQuery.ListActions(limit)).map(a -> {
        JsonArray rows = new JsonArray();
        a.actions().forEach(x -> rows.add(new JsonObject().put("timestamp_ms", x.timestampMs())
            .put("action", x.action()).put("subject", x.subject()).put("details", x.details())));
        return new JsonObject().put("events", rows).put("sequence", a.sequence());
      }));
    } catch (RuntimeException e) {
      fail(ctx, e);
    }
  }

  private void openFeed(RoutingContext ctx) {
    long from;
    try {
      from = Long.parseLong(param(ctx, "from", "-1"));
    } catch (NumberFormatException e) {
      error(ctx, 400, "from must be an event sequence number");
      return;
    }
    ctx.request().toWebSocket()
        .onSuccess(ws -> feed.start(ws, from))
        .onFailure(t -> {
          if (!ctx.response().ended()) {
            error(ctx, 400, "not a WebSocket upgrade: " + t.getMessage());
          }
        });
  }

  private static JobState jobState(String s) {
    if (s.isEmpty() || s.equalsIgnoreCase("all")) {
      return null;
    }
    return ProtoStates.jobStateNamed(s).flatMap(ProtoStates::toDomain)
        .orElseThrow(() -> new dev.iris.core.ValidationException("state '" + s + "' is not a job state"));
  }
}
