package dev.iris.core;

import java.util.regex.Pattern;

/**
 * What a worker id may be: 1-{@value #MAX_LENGTH} letters, digits or {@code . _ : -}, the first a letter or
 * digit. The controller refuses any other; a worker's default id, its id file and {@code --worker-id} follow
 * the same rule.
 */
public final class WorkerIds {
  /** The longest worker id. */
  public static final int MAX_LENGTH = 128;
  /** The rule in words, for error messages. */
  public static final String RULE = "1-" + MAX_LENGTH + " letters, digits or . _ : -, starting with a letter or digit";
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0," + (MAX_LENGTH - 1) + "}");

  private WorkerIds() {}

  /** Whether {@code id} is a worker id the controller takes. */
  public static boolean isValid(String id) {
    return id != null && id.length() <= MAX_LENGTH && VALID.matcher(id).matches();
  }
}
