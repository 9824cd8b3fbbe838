package dev.iris.worker.attempt;

import dev.iris.core.TaskId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Builds attempts and plays events against {@link AttemptLifecycle} in tests. */
final class Attempts {
  private Attempts() {}

  static AttemptSpec spec(boolean bundle, boolean setup, boolean ports, int timeoutSeconds) {
    return spec(0, bundle, setup, ports, timeoutSeconds);
  }

  static AttemptSpec spec(int attemptId, boolean bundle, boolean setup, boolean ports, int timeoutSeconds) {
    TaskId task = TaskId.parse("job-1/task-0");
    return new AttemptSpec(new AttemptKey(task.toString(), attemptId), task, attemptId + 1, bundle, setup, ports,
        Duration.ofSeconds(timeoutSeconds));
  }

  /** An attempt with nothing to build, no ports, no timeout. */
  static AttemptSpec plain() {
    return spec(false, false, false, 0);
  }

  /** Applies events in order at one instant each ({@code now} advances by 1 ms per event) and keeps every step. */
  static final class Run {
    AttemptState state;
    final List<Step> steps = new ArrayList<>();
    long now = 1_000;

    Run(AttemptSpec spec) {
      state = AttemptState.accepted(spec);
    }

    Step apply(AttemptEvent e) {
      Step step = AttemptLifecycle.apply(state, e, now++);
      state = step.next();
      steps.add(step);
      return step;
    }

    /** Applies each event; returns the last step. */
    Step apply(AttemptEvent... events) {
      Step last = null;
      for (AttemptEvent e : events) {
        last = apply(e);
      }
      return last;
    }

    List<AttemptEffect> effects() {
      return steps.stream().flatMap(s -> s.effects().stream()).toList();
    }
  }
}
