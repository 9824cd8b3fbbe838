package dev.iris.web;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Set;

/**
 * What keeps a browser from being turned against Iris's pages: every response carries a restrictive
 * Content-Security-Policy (own scripts, styles and connections only; never framed), {@code nosniff} and no
 * referrer; a state-changing request or a WebSocket upgrade from another origin is refused (403), so a page
 * elsewhere cannot kill a job or read the live feed through the user's browser. A request without an
 * {@code Origin} header (curl, scripts: no browser, no ambient credentials) is not a cross-site one.
 */
public final class BrowserGuards {
  /** The Content-Security-Policy of every response. */
  public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
      + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
      + "frame-ancestors 'none'";
  private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

  private BrowserGuards() {}

  /** Installs the guards first on {@code router}, so that they cover every route added after. */
  public static void install(Router router) {
    router.route().handler(ctx -> {
      ctx.response().putHeader("content-security-policy", CONTENT_SECURITY_POLICY)
          .putHeader("x-content-type-options", "nosniff")
          .putHeader("x-frame-options", "DENY")
          .putHeader("referrer-policy", "no-referrer");
      boolean upgrade = "websocket".equalsIgnoreCase(ctx.request().getHeader("upgrade"));
      if ((upgrade || !SAFE.contains(ctx.request().method())) && !sameOrigin(ctx)) {
        JsonRoutes.error(ctx, 403, "cross-origin request refused: " + ctx.request().method() + " "
            + ctx.request().path() + " from " + ctx.request().getHeader("origin"));
        return;
      }
      ctx.next();
    });
  }

  /** Whether the request comes from a page of this server, or from no browser page at all. */
  static boolean sameOrigin(RoutingContext ctx) {
    String origin = ctx.request().getHeader("origin");
    if (origin == null) {
      return true;
    }
    String host = ctx.request().getHeader("host");
    int scheme = origin.indexOf("://");
    if (host == null || scheme < 0) {
      return false; // "null" (a sandboxed or file page) and anything unparsable are foreign
    }
    return origin.substring(scheme + 3).toLowerCase(Locale.ROOT).equals(host.toLowerCase(Locale.ROOT));
  }
}
