package dev.iris.controller.api;

import dev.iris.controller.ControllerAuth;
import dev.iris.core.auth.Access;
import dev.iris.core.auth.Caller;
import dev.iris.web.JsonRoutes;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Authentication of the controller's HTTP routes (the dashboard, its JSON API and live feed, /metrics):
 * {@code authorization: Bearer <token>}, or the dashboard's session cookie, which {@code POST /api/login}
 * sets (HttpOnly, SameSite=Strict) and {@code POST /api/logout} clears. Without a valid credential an API
 * call is answered 401 and a page redirects to the login page ({@code ?next=} the page asked for). {@code
 * /health} and the login page itself (and the static files it needs) stay open. {@code GET /api/whoami} says
 * who the credential names ({@code authenticated} false when the controller checks no tokens).
 */
public final class HttpAuth {
  /** The cookie that keeps the dashboard's token. */
  public static final String COOKIE = "iris_token";
  /** Where the dashboard asks for a token. */
  public static final String LOGIN_PAGE = "/login.html";
  /** The largest body {@code POST /api/login} reads: a token, not a file. */
  static final int LOGIN_BODY_LIMIT = 4_096;
  private static final String CALLER = "iris.caller";
  /** Served without a credential (POST /api/login and /api/logout are answered before the check). */
  private static final Set<String> OPEN = Set.of("/health", LOGIN_PAGE, "/login.js", "/styles.css", "/favicon.ico");

  private HttpAuth() {}

  /** Installs authentication on {@code router}: every route added after it sees {@link #caller}. */
  public static void install(Router router, ControllerAuth auth) {
    router.post("/api/login").handler(BodyHandler.create(false).setBodyLimit(LOGIN_BODY_LIMIT))
        .handler(ctx -> login(ctx, auth));
    router.post("/api/logout").handler(ctx -> {
      ctx.response().addCookie(cookie("", ctx).setMaxAge(0));
      ctx.json(new JsonObject().put("logged_out", true));
    });
    router.route().handler(ctx -> {
      String path = ctx.normalizedPath();
      if (OPEN.contains(path)) {
        ctx.next();
        return;
      }
      String header = ctx.request().getHeader("authorization");
      Cookie session = ctx.request().getCookie(COOKIE);
      String credential = header != null ? header : session != null ? "Bearer " + fromCookie(session.getValue())
          : null;
      try {
        ctx.put(CALLER, auth.authenticate(credential));
        ctx.next();
      } catch (RuntimeException e) {
        boolean page = ctx.request().method() == HttpMethod.GET && !path.startsWith("/api/")
            && !path.equals("/metrics") && !path.startsWith("/workers/")
            && !"websocket".equalsIgnoreCase(ctx.request().getHeader("upgrade"));
        if (page) {
          ctx.redirect(LOGIN_PAGE + "?next=" + URLEncoder.encode(ctx.request().uri(), StandardCharsets.UTF_8));
        } else {
          JsonRoutes.fail(ctx, e);
        }
      }
    });
    router.get("/api/whoami").handler(ctx -> {
      Caller c = caller(ctx);
      ctx.response().putHeader("cache-control", "no-store");
      ctx.json(new JsonObject().put("user", c.user()).put("role", c.role().label())
          .put("authenticated", auth.enabled()));
    });
  }

  /** The token a session cookie holds; empty (no token of any cluster) when it is no encoding of one. */
  private static String fromCookie(String value) {
    try {
      return URLDecoder.decode(value, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  /** The caller {@link #install}'s handler authenticated for this request. */
  public static Caller caller(RoutingContext ctx) {
    Caller c = ctx.get(CALLER);
    if (c == null) {
      throw new IllegalStateException("HttpAuth.install must come before the route of " + ctx.normalizedPath());
    }
    return c;
  }

  /**
   * {@code POST /api/login} with the token as the body (text) or {@code {"token": ...}}: sets the cookie. A
   * token the dashboard cannot use (a worker's, a task's: they may not read the cluster) is refused (403).
   */
  private static void login(RoutingContext ctx, ControllerAuth auth) {
    String token = ctx.body().asString() == null ? "" : ctx.body().asString().trim();
    if (token.startsWith("{")) {
      try {
        token = new JsonObject(token).getString("token", "").trim();
      } catch (RuntimeException e) {
        JsonRoutes.error(ctx, 400, "the body must be the token, or {\"token\": \"...\"}");
        return;
      }
    }
    if (token.isEmpty()) {
      JsonRoutes.error(ctx, 401, "no token: paste a token of this cluster");
      return;
    }
    try {
      Caller caller = auth.authenticate("Bearer " + token);
      Access.require(caller, Access.Permission.READ_CLUSTER);
      ctx.response().addCookie(cookie(token, ctx)).putHeader("cache-control", "no-store");
      ctx.json(new JsonObject().put("user", caller.user()).put("role", caller.role().label()));
    } catch (RuntimeException e) {
      JsonRoutes.fail(ctx, e);
    }
  }

  /**
   * The cookie keeps the token percent-encoded: a token may hold characters a cookie value may not
   * ({@code ;}, {@code ,}, {@code "}, {@code \\}).
   */
  private static Cookie cookie(String token, RoutingContext ctx) {
    return Cookie.cookie(COOKIE, URLEncoder.encode(token, StandardCharsets.UTF_8)).setHttpOnly(true).setSameSite(CookieSameSite.STRICT).setPath("/")
        .setSecure(ctx.request().isSSL());
  }
}
