package dev.iris.cli.parse;

/**
 * A command-line value that does not parse. The message is one line, names the rejected value and,
 * where it helps, shows what a valid value looks like; it is meant to be shown to the user as is.
 */
public final class InvalidValueException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidValueException(String message) {
    super(message);
  }

  /** Quotes a user-supplied value for an error message: {@code '2Q'}. */
  static String quote(String value) {
    return "'" + value + "'";
  }
}
