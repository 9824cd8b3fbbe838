package dev.iris.worker.attempt;

import java.time.Duration;
import java.util.Set;

/**
 * What the worker must do after a transition, in order. Effects that take time answer with an event:
 * {@link Prepare} with Prepared (then ProcessStarted of the command, if it started the command too),
 * {@link InstallBundle} with BundleInstalled, {@link StartProcess} with ProcessStarted and later
 * ProcessExited, {@link KillProcess} with KillDone, {@link ArmTimeout} with TimeoutExpired, a failure of
 * any of them with StepFailed.
 */
public sealed interface AttemptEffect {
  /** Send the controller a report of the attempt's current state. */
  record Report() implements AttemptEffect {}

  /** Make the directory, allocate the ports, build the environment; and start the task's command too if {@code startCommand}. */
  record Prepare(boolean startCommand) implements AttemptEffect {}

  /** Fetch (or take from the cache) and unpack the bundle into the directory. */
  record InstallBundle() implements AttemptEffect {}

  /** Start the command's process. */
  record StartProcess(Command command) implements AttemptEffect {}

  /** Signal the command's process group: SIGTERM now, SIGKILL to what is left after {@code grace}. */
  record KillProcess(Command command, Duration grace) implements AttemptEffect {}

  /** Schedule the timeout. */
  record ArmTimeout(Duration after) implements AttemptEffect {}

  /** Cancel the timeout. */
  record CancelTimeout() implements AttemptEffect {}

  /** Release the attempt's ports. */
  record ReleasePorts() implements AttemptEffect {}

  /**
   * Clean up after the end: kill what the {@code sweep} commands' trees left behind, finish the log,
   * forget the pid records, hand the directory to retention (removed at once or later).
   */
  record CleanUp(Set<Command> sweep) implements AttemptEffect {
    public CleanUp {
      sweep = Set.copyOf(sweep);
    }
  }

  /** The attempt finished: count it and record it among the finished. */
  record Finished() implements AttemptEffect {}
}
