package dev.iris.cli.parse;

import static dev.iris.cli.parse.InvalidValueException.quote;

import java.util.Objects;

/**
 * One {@code KEY=VALUE} pair from the command line ({@code --env}, {@code --attribute}). The key is
 * everything before the first {@code =} and must be non-empty without whitespace; the value is the rest,
 * may be empty and may itself contain {@code =}.
 *
 * @param key the part before the first {@code =}
 * @param value the part after it, possibly empty
 */
public record KeyValue(String key, String value) {

  public KeyValue {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }

  /**
   * Parses {@code KEY=VALUE}.
   *
   * @throws InvalidValueException when there is no {@code =}, or the key is empty or has whitespace
   */
  public static KeyValue parse(String text) {
    int equals = text == null ? -1 : text.indexOf('=');
    if (equals < 0) {
      throw new InvalidValueException(
          quote(String.valueOf(text)) + " is not KEY=VALUE (example: MODE=fast)");
    }
    String key = text.substring(0, equals);
    if (key.isEmpty()) {
      throw new InvalidValueException(quote(text) + " has an empty key; write KEY=VALUE");
    }
    if (!key.strip().equals(key) || key.chars().anyMatch(Character::isWhitespace)) {
      throw new InvalidValueException(quote(text) + " has whitespace in its key " + quote(key));
    }
    return new KeyValue(key, text.substring(equals + 1));
  }

  @Override
  public String toString() {
    return key + "=" + value;
  }
}
