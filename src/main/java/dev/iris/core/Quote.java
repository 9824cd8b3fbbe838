package dev.iris.core;

/**
 * A value quoted in a message for people. A refusal names the value it refuses, but a hostile value may be
 * megabytes long or hold line breaks and terminal escapes: {@link #of} keeps the message short and on one
 * line. It shows at most {@value #MAX_SHOWN} characters of the value, writes control and line-separator
 * characters as {@code \n}, {@code \t}, {@code \r} or {@code \}{@code uXXXX}, and says how long the value
 * was when it was cut: {@code 'abc'}, {@code 'a\u0000b'}, {@code 'aaaa...' (1048576 characters)}.
 */
public final class Quote {
  /** The most characters of a value a message shows. */
  public static final int MAX_SHOWN = 64;

  private Quote() {}

  /** {@code value} in single quotes, cut to {@value #MAX_SHOWN} characters and escaped; {@code null} as is. */
  public static String of(String value) {
    if (value == null) {
      return "null";
    }
    int shown = value.length() <= MAX_SHOWN ? value.length() : MAX_SHOWN;
    if (shown < value.length() && Character.isHighSurrogate(value.charAt(shown - 1))) {
      shown--; // never split a surrogate pair
    }
    StringBuilder b = new StringBuilder(shown + 32).append('\'');
    for (int i = 0; i < shown; i++) {
      appendEscaped(b, value.charAt(i));
    }
    b.append('\'');
    if (shown < value.length()) {
      b.insert(b.length() - 1, "...").append(" (").append(value.length()).append(" characters)");
    }
    return b.toString();
  }

  /**
   * True for the characters {@link #of} escapes, which no name or address may hold: the C0 and C1 control
   * characters (NUL, newline, escape, DEL, ...) and the Unicode line and paragraph separators.
   */
  public static boolean isControl(char c) {
    return Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
  }

  /** The index of the first character of {@code value} that {@link #isControl}, or -1. */
  public static int indexOfControl(String value) {
    for (int i = 0; i < value.length(); i++) {
      if (isControl(value.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  private static void appendEscaped(StringBuilder b, char c) {
    switch (c) {
      case '\n' -> b.append("\\n");
      case '\r' -> b.append("\\r");
      case '\t' -> b.append("\\t");
      default -> {
        if (isControl(c)) {
          b.append(String.format("\\u%04x", (int) c));
        } else {
          b.append(c);
        }
      }
    }
  }
}
