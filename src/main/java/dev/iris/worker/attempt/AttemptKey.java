package dev.iris.worker.attempt;

import dev.iris.core.Sha256;
import java.nio.charset.StandardCharsets;

/**
 * Identifies one attempt of one task on this worker.
 *
 * @param taskId the task id, such as {@code job-7/task-0}
 * @param attemptId the attempt number, from 0
 */
public record AttemptKey(String taskId, int attemptId) {
  private static final int MAX_NAME_LENGTH = 200;
  /** Hex digits of the id's SHA-256 that end a shortened name. */
  private static final int HASH_SUFFIX_LENGTH = 16;

  /** Validates the key. */
  public AttemptKey {
    if (taskId == null || taskId.isBlank()) {
      throw new IllegalArgumentException("task id must not be blank");
    }
    if (attemptId < 0) {
      throw new IllegalArgumentException("attempt id must be >= 0, got " + attemptId);
    }
  }

  /**
   * The task id as a single, safe file name: letters, digits, {@code -} and {@code .} are kept, every
   * other byte (including {@code _} and {@code /}) becomes {@code _XX} in hex, and a leading {@code .}
   * is escaped too. The mapping is injective, so two task ids never share a directory. Names longer
   * than 200 characters are shortened and suffixed with {@code ~} and a hash of the id.
   */
  public String taskDirectoryName() {
    StringBuilder name = new StringBuilder();
    byte[] bytes = taskId.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      int b = bytes[i] & 0xFF;
      boolean plain = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
          || b == '-' || (b == '.' && i > 0);
      if (plain) {
        name.append((char) b);
      } else {
        name.append('_').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
      }
    }
    if (name.length() > MAX_NAME_LENGTH) {
      // '~' never appears in an escaped name, so the shortened form cannot collide with a plain one.
      return name.substring(0, MAX_NAME_LENGTH - 1 - HASH_SUFFIX_LENGTH) + "~"
          + Sha256.hex(bytes).substring(0, HASH_SUFFIX_LENGTH);
    }
    return name.toString();
  }

  /** The attempt's directory name inside its task's directory: {@code attempt-<n>}. */
  public String attemptDirectoryName() {
    return "attempt-" + attemptId;
  }

  @Override
  public String toString() {
    return taskId + "#" + attemptId;
  }
}
