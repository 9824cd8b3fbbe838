package dev.iris.worker.attempt;

import java.util.List;
import java.util.Objects;

/**
 * What one event did to an attempt.
 *
 * @param next the attempt's new state (the same state when the event was ignored)
 * @param effects what the worker must do now, in order
 * @param ignored why the event changed nothing; null when it applied
 */
public record Step(AttemptState next, List<AttemptEffect> effects, String ignored) {
  public Step {
    Objects.requireNonNull(next, "next");
    effects = List.copyOf(effects);
  }

  static Step ignored(AttemptState s, String why) {
    return new Step(s, List.of(), why);
  }

  public boolean applied() {
    return ignored == null;
  }
}
