package dev.iris.cli.output;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;

/**
 * Formats durations, relative times and byte counts for people. Pure functions: the current time is
 * always an argument.
 *
 * <table>
 *   <caption>Examples</caption>
 *   <tr><td>{@code duration(850 ms)}</td><td>{@code 850 ms}</td></tr>
 *   <tr><td>{@code duration(2.5 s)}</td><td>{@code 2.5 s}</td></tr>
 *   <tr><td>{@code duration(72 s)}</td><td>{@code 1m 12s}</td></tr>
 *   <tr><td>{@code duration(3 h 4 m 5 s)}</td><td>{@code 3h 4m}</td></tr>
 *   <tr><td>{@code ago(3 s before now)}</td><td>{@code 3 s ago}</td></tr>
 *   <tr><td>{@code bytes(1610612736)}</td><td>{@code 1.5 GiB}</td></tr>
 * </table>
 */
public final class HumanFormat {
  private static final String[] BYTE_UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

  private HumanFormat() {}

  /**
   * A duration in its two most significant units, rounded down: {@code 850 ms}, {@code 2.5 s},
   * {@code 12 s}, {@code 1m 12s}, {@code 5m}, {@code 1h 30m}, {@code 2d 3h}. Negative durations get a
   * leading minus.
   */
  public static String duration(Duration duration) {
    if (duration.isNegative()) {
      return "-" + duration(duration.negated());
    }
    long millis = duration.toMillis();
    if (millis < 1_000) {
      return millis + " ms";
    }
    if (millis < 10_000) {
      return oneDecimal(millis, 1_000) + " s";
    }
    long seconds = duration.toSeconds();
    if (seconds < 60) {
      return seconds + " s";
    }
    if (seconds < 3_600) {
      return pair(seconds / 60, "m", seconds % 60, "s");
    }
    if (seconds < 86_400) {
      return pair(seconds / 3_600, "h", seconds % 3_600 / 60, "m");
    }
    return pair(seconds / 86_400, "d", seconds % 86_400 / 3_600, "h");
  }

  /**
   * How long before {@code now} the instant {@code then} was, in one unit, rounded down:
   * {@code just now}, {@code 3 s ago}, {@code 4 min ago}, {@code 5 h ago}, {@code 2 d ago}; an instant
   * after {@code now} reads {@code in 3 s}.
   */
  public static String ago(Instant then, Instant now) {
    Duration elapsed = Duration.between(then, now);
    if (elapsed.isNegative()) {
      return "in " + coarse(elapsed.negated());
    }
    if (elapsed.toMillis() < 1_000) {
      return "just now";
    }
    return coarse(elapsed) + " ago";
  }

  /**
   * A byte count in binary units with at most one decimal under 10: {@code 512 B}, {@code 1.5 GiB},
   * {@code 12 MiB}.
   */
  public static String bytes(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("negative byte count: " + bytes);
    }
    int unit = 0;
    long divisor = 1;
    while (unit < BYTE_UNITS.length - 1 && bytes / divisor >= 1024) {
      divisor *= 1024;
      unit++;
    }
    if (unit == 0) {
      return bytes + " B";
    }
    return (bytes / divisor < 10 ? oneDecimal(bytes, divisor) : Long.toString(bytes / divisor))
        + " " + BYTE_UNITS[unit];
  }

  private static String coarse(Duration duration) {
    long seconds = duration.toSeconds();
    if (seconds < 60) {
      return seconds + " s";
    }
    if (seconds < 3_600) {
      return seconds / 60 + " min";
    }
    if (seconds < 2 * 86_400) {
      return seconds / 3_600 + " h";
    }
    return seconds / 86_400 + " d";
  }

  private static String pair(long major, String majorUnit, long minor, String minorUnit) {
    return minor == 0 ? major + majorUnit : major + majorUnit + " " + minor + minorUnit;
  }

  /** {@code value / divisor} rounded down to one decimal, without a trailing {@code .0}. */
  private static String oneDecimal(long value, long divisor) {
    BigDecimal result =
        BigDecimal.valueOf(value).divide(BigDecimal.valueOf(divisor), 1, RoundingMode.DOWN);
    return result.stripTrailingZeros().toPlainString();
  }
}
