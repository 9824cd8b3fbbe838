package dev.iris.core;

import java.util.Map;

/**
 * Checks of free-form text a request carries (host names, attributes, metadata): bounded in length and free
 * of control characters ({@link Quoted#isControl}), so that what is stored, logged and shown stays short and
 * on one line. Lengths are checked first, so a hostile value costs no more than reading its length. Each
 * check returns the value or throws a {@link ValidationException} naming the field, with the value quoted
 * by {@link Quoted#of}.
 */
public final class TextRules {
  private TextRules() {}

  /** {@code value} (may be empty) when it has at most {@code maxLength} characters and no control character. */
  public static String text(String field, String value, int maxLength) {
    if (value.length() > maxLength) {
      throw new ValidationException(field + " " + Quoted.of(value) + " is longer than " + maxLength + " characters");
    }
    if (hasControl(value)) {
      throw new ValidationException(field + " " + Quoted.of(value) + " contains a control character");
    }
    return value;
  }

  /**
   * {@code map} when it has at most {@code maxEntries} entries, each key non-empty and at most
   * {@code maxKeyLength} characters, each value at most {@code maxValueLength}, none with a control character.
   *
   * @param field the map's name, for messages: {@code attributes}, {@code metadata}
   */
  public static Map<String, String> map(String field, Map<String, String> map, int maxEntries, int maxKeyLength,
      int maxValueLength) {
    if (map.size() > maxEntries) {
      throw new ValidationException(field + " hold " + map.size() + " entries; at most " + maxEntries);
    }
    map.forEach((key, value) -> {
      if (key.isEmpty()) {
        throw new ValidationException(field + " have an empty key");
      }
      text("key", key, maxKeyLength, field);
      text("value of " + Quoted.of(key), value, maxValueLength, field);
    });
    return map;
  }

  private static void text(String what, String value, int maxLength, String field) {
    if (value.length() > maxLength) {
      throw new ValidationException(what + " in " + field + " is " + value.length() + " characters long; at most "
          + maxLength);
    }
    if (hasControl(value)) {
      throw new ValidationException(what + " in " + field + " contains a control character: " + Quoted.of(value));
    }
  }

  private static boolean hasControl(String value) {
    for (int i = 0; i < value.length(); i++) {
      if (Quoted.isControl(value.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  private static final java.util.regex.Pattern USER = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");

  /** Checks a user name: 1 to 64 letters, digits, '.', '_', '@', '-', starting with a letter or digit. */
  public static String userName(String user) {
    if (user == null || !USER.matcher(user).matches()) {
      throw new ValidationException("a user name is 1 to 64 letters, digits, '.', '_', '@' or '-' (starting with a "
          + "letter or digit), got " + Quoted.of(String.valueOf(user)));
    }
    return user;
  }
}
