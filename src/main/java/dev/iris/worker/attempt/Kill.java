package dev.iris.worker.attempt;

import java.time.Duration;
import java.util.Objects;

/**
 * A request to kill an attempt.
 *
 * @param grace how long the attempt's processes get between SIGTERM and SIGKILL
 * @param reason why, for the user: becomes the error of the KILLED state
 */
public record Kill(Duration grace, String reason) {
  public Kill {
    Objects.requireNonNull(grace, "grace");
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace must not be negative, got " + grace);
    }
    reason = reason == null ? "" : reason;
  }
}
