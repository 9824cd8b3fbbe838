package dev.iris.controller.api;

import dev.iris.controller.ControllerAuth;
import dev.iris.core.auth.Caller;
import dev.iris.web.JsonRoutes;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * Authentication of the controller's HTTP routes (the dashboard, its JSON API and live feed, /metrics):
 * {@code authorization: Bearer <token>}, or the dashboard's session cookie, which {@code POST /api/login}
 * sets (HttpOnly, SameSite=Strict) and {@code POST /api/logout} clears. Without a valid credential an API
 * call is answered 401 and a page redirects to the login page. {@code /health} and the login page itself
 * (and the static files it needs) stay open.
 */
public final class HttpAuth {
  /** The cookie that keeps the dashboard's token. */
  public static final String COOKIE = "iris_token";
  /** Where the dashboard asks for a token. */
  public static final String LOGIN_PAGE = "/login.html";
  private static final String CALLER = "iris.caller";
  private static final Set<String> OPEN = Set.of("/health", LOGIN_PAGE, "/login.js", "/styles.css", "/api/login",
      "/favicon.ico");

  private HttpAuth() {}

  /** Installs authentication on {@code router}: every route added after it sees {@link #caller}. */
  public static void install(Router router, ControllerAuth auth) {
    router.post("/api/login").handler(ctx -> login(ctx, auth));
    router.post("/api/logout").handler(ctx -> {
      ctx.response().addCookie(cookie("", ctx).setMaxAge(0));
      ctx.json(new io.vertx.core.json.JsonObject().put("logged_out", true));
    });
    router.route().handler(ctx -> {
      String path = ctx.normalizedPath();
      if (OPEN.contains(path)) {
        ctx.next();
        return;
      }
      String header = ctx.request().getHeader("authorization");
      Cookie session = ctx.request().getCookie(COOKIE);
      String credential = header != null ? header : session != null ? "Bearer " + session.getValue() : null;
      try {
        ctx.put(CALLER, auth.authenticate(credential));
        ctx.next();
      } catch (RuntimeException e) {
        boolean page = ctx.request().method() == io.vertx.core.http.HttpMethod.GET && !path.startsWith("/api/")
            && !path.equals("/metrics") && !path.startsWith("/workers/")
            && !"websocket".equalsIgnoreCase(ctx.request().getHeader("upgrade"));
        if (page) {
          ctx.redirect(LOGIN_PAGE);
        } else {
          JsonRoutes.fail(ctx, e);
        }
      }
    });
  }

  /** The caller {@link #install}'s handler authenticated for this request. */
  public static Caller caller(RoutingContext ctx) {
    Caller c = ctx.get(CALLER);
    if (c == null) {
      throw new IllegalStateException("HttpAuth.install must come before the route of " + ctx.normalizedPath());
    }
    return c;
  }

  /** {@code POST /api/login} with the token as the body (text) or {@code {"token": ...}}: sets the cookie. */
  private static void login(RoutingContext ctx, ControllerAuth auth) {
    ctx.request().body().onSuccess(body -> {
      String token = body.toString().trim();
      if (token.startsWith("{")) {
        try {
          token = new io.vertx.core.json.JsonObject(token).getString("token", "");
        } catch (RuntimeException e) {
          JsonRoutes.error(ctx, 400, "the body must be the token, or {\"token\": \"...\"}");
          return;
        }
      }
      try {
        Caller caller = auth.authenticate("Bearer " + token);
        ctx.response().addCookie(cookie(token, ctx));
        ctx.json(new io.vertx.core.json.JsonObject().put("user", caller.user()).put("role", caller.role().label()));
      } catch (RuntimeException e) {
        JsonRoutes.fail(ctx, e);
      }
    }).onFailure(ctx::fail);
  }

  private static Cookie cookie(String value, RoutingContext ctx) {
    return Cookie.cookie(COOKIE, value).setHttpOnly(true).setSameSite(CookieSameSite.STRICT).setPath("/")
        .setSecure(ctx.request().isSSL());
  }
}
