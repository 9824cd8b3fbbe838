package dev.iris.core;

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
    String shown = cut ? value.substring(0, MAX_CHARS) : value;
    StringBuilder b = new StringBuilder(shown.length() + 24).append('\'');
    for (int i = 0; i < shown.length(); i++) {
      char c = shown.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        b.append(String.format("\\x%02x", (int) c));
      } else {
        b.append(c);
      }
    }
    b.append(cut ? "...' (" + value.length() + " characters)" : "'");
    return b.toString();
  }
}
