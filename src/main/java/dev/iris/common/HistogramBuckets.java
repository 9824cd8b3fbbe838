package dev.iris.common;

import java.time.Duration;

/** Fixed histogram bucket bounds shared by the controller's and the workers' metrics (a dozen, not Micrometer's hundred). */
public final class HistogramBuckets {
  /** Bounds of RPC latency histograms, 0.1 ms to 5 s. */
  public static final Duration[] RPC = millis(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 1_000, 5_000);

  private HistogramBuckets() {}

  /** Bucket bounds given in milliseconds. */
  public static Duration[] millis(double... bounds) {
    Duration[] d = new Duration[bounds.length];
    for (int i = 0; i < bounds.length; i++) {
      d[i] = Duration.ofNanos(Math.round(bounds[i] * 1_000_000));
    }
    return d;
  }
}
