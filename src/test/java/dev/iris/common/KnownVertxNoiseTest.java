package dev.iris.common;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;

/** The filter drops only Vert.x 5.0's NullPointerException on a cancelled HTTP/2 stream, logged by Netty. */
class KnownVertxNoiseTest {
  private static NullPointerException thrownIn(String className) {
    NullPointerException e = new NullPointerException("Cannot invoke \"io.vertx.core.Promise.fail(java.lang.Throwable)\"");
    e.setStackTrace(new StackTraceElement[] {new StackTraceElement(className, "cancel", "X.java", 243)});
    return e;
  }

  @Test
  void dropsTheKnownRecordAndNothingElse() {
    NullPointerException known = thrownIn("io.vertx.core.http.impl.VertxHttp2Stream$3");
    assertThat(KnownVertxNoise.isStreamCancelNpe(KnownVertxNoise.LOGGER, Level.ERROR, known)).isTrue();

    assertThat(KnownVertxNoise.isStreamCancelNpe("io.netty.Other", Level.ERROR, known)).isFalse();
    assertThat(KnownVertxNoise.isStreamCancelNpe(KnownVertxNoise.LOGGER, Level.WARN, known)).isFalse();
    assertThat(KnownVertxNoise.isStreamCancelNpe(KnownVertxNoise.LOGGER, Level.ERROR,
        thrownIn("dev.iris.worker.WorkerServiceImpl"))).isFalse();
    assertThat(KnownVertxNoise.isStreamCancelNpe(KnownVertxNoise.LOGGER, Level.ERROR,
        new IllegalStateException("Promise already completed"))).isFalse();
    assertThat(KnownVertxNoise.isStreamCancelNpe(KnownVertxNoise.LOGGER, Level.ERROR, null)).isFalse();
  }
}
