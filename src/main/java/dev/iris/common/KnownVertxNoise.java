package dev.iris.common;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Drops one log record that is noise, not news: Netty's {@code ERROR DefaultHttp2Connection - Caught Throwable from
 * listener onStreamClosed.} with a {@code NullPointerException} thrown in Vert.x's {@code VertxHttp2Stream} (5.0.x:
 * an HTTP/2 stream reset by its peer while trailers written without a promise still wait in its queue; cancelling
 * them calls {@code fail} on the absent promise). It comes after a network partition heals, when the peer resets the
 * streams whose deadlines passed. Netty catches it and the stream is closed anyway; nothing is lost. Any other
 * record of that logger, and any other exception, still shows. Registered in {@code logback.xml}.
 */
public final class KnownVertxNoise extends TurboFilter {
  static final String LOGGER = "io.netty.handler.codec.http2.DefaultHttp2Connection";

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    return isStreamCancelNpe(logger == null ? null : logger.getName(), level, thrown(params, t))
        ? FilterReply.DENY : FilterReply.NEUTRAL;
  }

  static boolean isStreamCancelNpe(String loggerName, Level level, Throwable t) {
    if (!LOGGER.equals(loggerName) || level != Level.ERROR || !(t instanceof NullPointerException)) {
      return false;
    }
    StackTraceElement[] stack = t.getStackTrace();
    return stack.length > 0 && stack[0].getClassName().startsWith("io.vertx.core.http.impl.VertxHttp2Stream");
  }

  /** SLF4J passes a record's throwable either as such or as the last of its arguments. */
  private static Throwable thrown(Object[] params, Throwable t) {
    if (t != null || params == null || params.length == 0) {
      return t;
    }
    return params[params.length - 1] instanceof Throwable last ? last : null;
  }
}
