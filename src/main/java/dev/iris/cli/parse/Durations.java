package dev.iris.cli.parse;

import static dev.iris.cli.parse.InvalidValueException.quote;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations such as {@code 30s}, {@code 5m}, {@code 1h30m}, {@code 250ms}, {@code 1.5h} or
 * {@code 2d}. A plain number means seconds ({@code 90}, {@code 0.5}); ISO-8601 ({@code PT30S}) is
 * accepted too. Units are case-insensitive and must appear at most once, largest first. Negative
 * durations and garbage are rejected; fractions are rounded down to whole nanoseconds.
 */
public final class Durations {
  private static final Pattern PLAIN_SECONDS = Pattern.compile("\\d+(?:\\.\\d+)?");
  private static final Pattern COMPONENT = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|d|h|m|s)");
  /** Units from largest to smallest, with their length in nanoseconds. */
  private static final List<String> UNITS = List.of("d", "h", "m", "s", "ms");
  private static final List<Long> UNIT_NANOS =
      List.of(86_400_000_000_000L, 3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L);
  private static final String EXAMPLES = "(examples: 30s, 5m, 1h30m, 250ms, 90)";

  private Durations() {}

  /**
   * Returns the duration {@code text} denotes.
   *
   * @throws InvalidValueException when {@code text} is not a non-negative duration
   */
  public static Duration parse(String text) {
    String trimmed = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    if (trimmed.isEmpty()) {
      throw new InvalidValueException("an empty duration is not a duration " + EXAMPLES);
    }
    if (trimmed.startsWith("-")) {
      throw new InvalidValueException(quote(text) + " is negative; a duration must be 0 or more");
    }
    if (trimmed.startsWith("p")) {
      return parseIso(text, trimmed);
    }
    if (PLAIN_SECONDS.matcher(trimmed).matches()) {
      return toDuration(text, new BigDecimal(trimmed).multiply(BigDecimal.valueOf(1_000_000_000L)));
    }
    return parseComponents(text, trimmed.replaceAll("\\s+", ""));
  }

  private static Duration parseComponents(String text, String trimmed) {
    Matcher matcher = COMPONENT.matcher(trimmed);
    BigDecimal nanos = BigDecimal.ZERO;
    int position = 0;
    int lastUnit = -1;
    while (position < trimmed.length()) {
      if (!matcher.find(position) || matcher.start() != position) {
        throw new InvalidValueException(quote(text) + " is not a duration " + EXAMPLES);
      }
      int unit = UNITS.indexOf(matcher.group(2));
      if (unit <= lastUnit) {
        throw new InvalidValueException(
            quote(text) + " repeats a unit or puts a smaller one first; write 1h30m, not 30m1h");
      }
      lastUnit = unit;
      BigDecimal amount = new BigDecimal(matcher.group(1));
      nanos = nanos.add(amount.multiply(BigDecimal.valueOf(UNIT_NANOS.get(unit))));
      position = matcher.end();
    }
    return toDuration(text, nanos);
  }

  private static Duration parseIso(String text, String trimmed) {
    try {
      Duration duration = Duration.parse(trimmed.toUpperCase(Locale.ROOT));
      if (duration.isNegative()) {
        throw new InvalidValueException(quote(text) + " is negative; a duration must be 0 or more");
      }
      return duration;
    } catch (DateTimeParseException e) {
      throw new InvalidValueException(quote(text) + " is not a duration " + EXAMPLES);
    }
  }

  private static Duration toDuration(String text, BigDecimal nanos) {
    BigDecimal whole = nanos.setScale(0, RoundingMode.DOWN);
    BigDecimal nanosPerSecond = BigDecimal.valueOf(1_000_000_000L);
    BigDecimal[] secondsAndNanos = whole.divideAndRemainder(nanosPerSecond);
    if (secondsAndNanos[0].compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw new InvalidValueException(quote(text) + " is too long a duration");
    }
    return Duration.ofSeconds(secondsAndNanos[0].longValueExact(), secondsAndNanos[1].longValueExact());
  }
}
