package dev.iris.core;

import java.util.Locale;

/**
 * A user's value as an error message quotes it: in single quotes, control characters escaped, and cut to
 * {@link #MAX_CHARS} characters with its full length, so that a megabyte in an id field makes a one-line
 * error and never echoes the megabyte.
 */
public final class Quoted {
  /** The most characters of a value an error message shows. */
  public static final int MAX_CHARS = 64;

  private Quoted() {}

  /** {@code 'value'}, or {@code 'first 64 characters...' (N characters)} when longer. */
  public static String of(String value) {
    if (value == null) {
      return "null";
    }
    boolean cut = value.length() > MAX_CHARS;
    int shown = cut ? MAX_CHARS : value.length();
    if (cut && Character.isHighSurrogate(value.charAt(shown - 1))) {
      shown--; // never split a surrogate pair
    }
    StringBuilder b = new StringBuilder(shown + 24).append('\'');
    for (int i = 0; i < shown; i++) {
      char c = value.charAt(i);
      if (isControl(c)) {
        b.append(c < 0x100 ? String.format(Locale.ROOT, "\\x%02x", (int) c)
            : String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    b.append(cut ? "...' (" + value.length() + " characters)" : "'");
    return b.toString();
  }

  /**
   * True for the characters {@link #of} escapes, which no name, address or attribute may hold: the C0 and C1
   * control characters (NUL, newline, escape, DEL, ...) and the Unicode line and paragraph separators.
   */
  public static boolean isControl(char c) {
    return Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
  }

  /**
   * {@code text} itself when it has at most {@code max} characters, else its first {@code max} and
   * {@code ... (N characters)}: for messages and stored texts, not quoted values.
   */
  public static String cut(String text, int max) {
    if (text == null || text.length() <= max) {
      return text;
    }
    return text.substring(0, max) + "... (" + text.length() + " characters)";
  }
}
