package dev.iris.worker.attempt;

import dev.iris.core.TaskState;
import java.util.Objects;

/**
 * How an attempt ended.
 *
 * @param state SUCCEEDED, FAILED or KILLED
 * @param exitCode the command's exit code; -1 when no exit code explains the end, 0 when killed before the command ran
 * @param error why it did not succeed, for the user; empty when it succeeded
 */
public record Outcome(TaskState state, int exitCode, String error) {
  public Outcome {
    Objects.requireNonNull(state, "state");
    if (!state.isTerminal()) {
      throw new IllegalArgumentException("an outcome is a terminal state, not " + state);
    }
    error = error == null ? "" : error;
  }
}
