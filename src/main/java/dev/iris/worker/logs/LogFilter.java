package dev.iris.worker.logs;

import dev.iris.core.LogRegex;
import dev.iris.core.ValidationException;

/**
 * Which lines a read returns. Conditions combine with AND; the result is in line order.
 *
 * @param regex lines whose data contains a match of this RE2 expression ({@link LogRegex}); null or
 *     empty matches every line
 * @param startLine {@code >= 0}: lines numbered {@code startLine} or later; negative: only the last
 *     {@code -startLine} lines that pass the other conditions
 * @param startMs only lines with a timestamp strictly after this (0 = no bound)
 * @param endMs only lines with a timestamp at or before this (0 = no bound)
 * @param maxLines at most this many lines (0 = unlimited, and never more than {@link #MAX_LINES}); the
 *     oldest matching lines are returned, except when {@code startLine} is negative: then the newest
 */
public record LogFilter(String regex, long startLine, long startMs, long endMs, int maxLines) {
  /** The most lines a single read returns. */
  public static final int MAX_LINES = 100_000;
  /**
   * The most bytes of lines a single read returns (3.5 MiB), so an answer fits a stock gRPC client's 4 MiB
   * limit; a longer log is read in pages, each from the line after the last one returned.
   */
  public static final long MAX_ANSWER_BYTES = 7L << 19;

  /** Every line (up to {@link #MAX_LINES}). */
  public static final LogFilter ALL = new LogFilter(null, 0, 0, 0, 0);

  /**
   * Validates the filter.
   *
   * @throws IllegalArgumentException for an invalid regex or a negative time or line limit
   */
  public LogFilter {
    if (startMs < 0 || endMs < 0 || maxLines < 0) {
      throw new IllegalArgumentException(
          "start_ms, end_ms and max_lines must not be negative: " + startMs + ", " + endMs + ", " + maxLines);
    }
    if (regex != null && !regex.isEmpty()) {
      try {
        LogRegex.compile(regex);
      } catch (ValidationException e) {
        throw new IllegalArgumentException("log filter: " + e.getMessage(), e);
      }
    }
  }

  /** The last {@code n} lines. */
  public static LogFilter tail(int n) {
    return new LogFilter(null, -n, 0, 0, 0);
  }

  /** Lines numbered {@code firstLine} and later. */
  public static LogFilter fromLine(long firstLine) {
    return new LogFilter(null, firstLine, 0, 0, 0);
  }

  /** The effective limit on the number of lines returned. */
  int effectiveLimit() {
    long limit = maxLines == 0 ? MAX_LINES : Math.min(maxLines, MAX_LINES);
    if (startLine < 0) {
      limit = Math.min(limit, startLine == Long.MIN_VALUE ? MAX_LINES : -startLine);
    }
    return (int) limit;
  }
}
