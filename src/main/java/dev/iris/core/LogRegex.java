package dev.iris.core;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * The one rule for the regular expressions users filter logs with: RE2 syntax, matched in time linear in
 * the text (no backtracking, so no pattern can stall the process that runs it), and at most
 * {@link #MAX_LENGTH} characters. The CLI, the dashboard and the worker check a filter by it.
 */
public final class LogRegex {
  /** The longest regular expression accepted. */
  public static final int MAX_LENGTH = 1_000;

  private LogRegex() {}

  /**
   * Compiles {@code regex}.
   *
   * @throws ValidationException naming what is wrong (too long, or not a regular expression)
   */
  public static Pattern compile(String regex) {
    if (regex.length() > MAX_LENGTH) {
      throw new ValidationException("regex is " + regex.length() + " characters long; at most " + MAX_LENGTH
          + " are accepted");
    }
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new ValidationException("regex " + Quoted.of(regex) + " is not valid: " + e.getDescription());
    }
  }
}
