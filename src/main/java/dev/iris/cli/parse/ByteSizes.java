package dev.iris.cli.parse;

import static dev.iris.cli.parse.InvalidValueException.quote;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses byte sizes such as {@code 2G}, {@code 512M}, {@code 1.5GiB}, {@code 100k} or {@code 4096}.
 *
 * <p>Units are case-insensitive and binary: K, M, G and T are powers of 1024, whether written {@code G},
 * {@code GB} or {@code GiB}; {@code B} (or no unit) means bytes. A fraction needs a unit and is rounded
 * down to whole bytes. Negative values, garbage and values beyond {@link Long#MAX_VALUE} are rejected.
 */
public final class ByteSizes {
  private static final Pattern SIZE =
      Pattern.compile("(?<number>\\d+(?:\\.\\d+)?|\\.\\d+)\\s*(?<unit>[a-z]*)");
  private static final Map<String, Integer> POWER_OF_1024 =
      Map.ofEntries(
          Map.entry("", 0), Map.entry("b", 0),
          Map.entry("k", 1), Map.entry("kb", 1), Map.entry("kib", 1),
          Map.entry("m", 2), Map.entry("mb", 2), Map.entry("mib", 2),
          Map.entry("g", 3), Map.entry("gb", 3), Map.entry("gib", 3),
          Map.entry("t", 4), Map.entry("tb", 4), Map.entry("tib", 4));
  private static final BigDecimal MAX = BigDecimal.valueOf(Long.MAX_VALUE);
  private static final String EXAMPLES = "(examples: 4096, 100k, 512M, 2G, 1.5GiB)";

  private ByteSizes() {}

  /**
   * Returns the number of bytes {@code text} denotes.
   *
   * @throws InvalidValueException when {@code text} is not a non-negative size that fits in a long
   */
  public static long parseBytes(String text) {
    String trimmed = text == null ? "" : text.trim();
    if (trimmed.isEmpty()) {
      throw new InvalidValueException("an empty size is not a size " + EXAMPLES);
    }
    if (trimmed.startsWith("-")) {
      throw new InvalidValueException(quote(text) + " is negative; a size must be 0 or more");
    }
    Matcher matcher = SIZE.matcher(trimmed.toLowerCase(Locale.ROOT));
    if (!matcher.matches()) {
      throw new InvalidValueException(quote(text) + " is not a size " + EXAMPLES);
    }
    String unit = matcher.group("unit");
    Integer power = POWER_OF_1024.get(unit);
    if (power == null) {
      throw new InvalidValueException(
          quote(text) + " has an unknown unit '" + unit + "'; use B, K, M, G or T " + EXAMPLES);
    }
    BigDecimal number = new BigDecimal(matcher.group("number"));
    if (power == 0 && number.stripTrailingZeros().scale() > 0) {
      throw new InvalidValueException(
          quote(text) + " is a fraction of a byte; give a unit, as in 1.5G " + EXAMPLES);
    }
    BigDecimal bytes =
        number.multiply(BigDecimal.valueOf(1024).pow(power)).setScale(0, RoundingMode.DOWN);
    if (bytes.compareTo(MAX) > 0) {
      throw new InvalidValueException(quote(text) + " is too large (at most 8388607T)");
    }
    return bytes.longValueExact();
  }
}
