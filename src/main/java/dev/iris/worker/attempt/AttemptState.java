package dev.iris.worker.attempt;

import dev.iris.core.TaskState;
import dev.iris.worker.usage.UsageSample;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * One attempt on this worker at one moment: immutable; {@link AttemptLifecycle#apply} makes the next.
 *
 * @param spec what was asked for
 * @param phase where it is in its lifecycle
 * @param outcome how it ended; null until {@link Phase#FINISHED}
 * @param kill the kill asked for (the first one wins); null if none
 * @param timedOut whether its timeout fired while the command ran (and no kill was asked for)
 * @param live the command whose process runs now; null if none
 * @param setupStarted whether the setup command's process was started
 * @param mainStarted whether the task's command's process was started
 * @param killSentTo the command whose process tree was told to die (for a kill or the timeout); null if none
 * @param killDone whether that tree is gone
 * @param pendingExit the exit of the killed process, held until its tree is gone; null if none
 * @param timeoutArmed whether a timeout timer is armed
 * @param workDir its working directory once made; null before
 * @param ports the ports allocated to it, by name
 * @param usage the latest resource usage sampled; null before the first sample
 * @param build when building started and finished (ms, 0 if not), and whether the bundle came from the cache
 * @param startedAtMs when the task's command started; 0 before
 * @param finishedAtMs when it finished; 0 before
 * @param reportUnsettled whether a report of it waits for the controller's answer
 */
public record AttemptState(AttemptSpec spec, Phase phase, Outcome outcome, Kill kill, boolean timedOut,
    Command live, boolean setupStarted, boolean mainStarted, Command killSentTo, boolean killDone, Exit pendingExit,
    boolean timeoutArmed, Path workDir, Map<String, Integer> ports, UsageSample usage, Build build,
    long startedAtMs, long finishedAtMs, boolean reportUnsettled) {

  /** How a command's process exited: its exit code and the last line it wrote to stderr (may be null). */
  public record Exit(int code, String lastLine) {}

  /** The BUILDING phase's timing: when it started and finished (ms, 0 if not yet), and whether the bundle was cached. */
  public record Build(long startedMs, long finishedMs, boolean fromCache) {
    static final Build NONE = new Build(0, 0, false);
  }

  public AttemptState {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(phase, "phase");
    if ((phase == Phase.FINISHED) != (outcome != null)) {
      throw new IllegalArgumentException("an attempt has an outcome exactly when it is FINISHED: " + phase);
    }
    ports = Map.copyOf(ports);
  }

  /** A freshly accepted attempt: ASSIGNED, nothing started. */
  public static AttemptState accepted(AttemptSpec spec) {
    return new AttemptState(spec, Phase.ACCEPTED, null, null, false, null, false, false, null, false, null, false,
        null, Map.of(), null, Build.NONE, 0, 0, false);
  }

  public AttemptKey key() {
    return spec.key();
  }

  /** The state the attempt reports to the controller. */
  public TaskState taskState() {
    switch (phase) {
      case ACCEPTED:
        return TaskState.ASSIGNED;
      case PREPARING:
      case INSTALLING:
      case SETTING_UP:
      case STARTING:
        return TaskState.BUILDING;
      case RUNNING:
        return TaskState.RUNNING;
      case FINISHED:
        return outcome.state();
      default:
        throw new AssertionError(phase);
    }
  }

  public boolean isFinished() {
    return phase == Phase.FINISHED;
  }

  /** The exit code reported: the outcome's, 0 before the end. */
  public int exitCode() {
    return outcome == null ? 0 : outcome.exitCode();
  }

  /** The error reported: the outcome's, empty before the end. */
  public String error() {
    return outcome == null ? "" : outcome.error();
  }

  /** Whether the task's command runs now: the one process whose usage is sampled. */
  public boolean isCommandRunning() {
    return live == Command.MAIN && phase == Phase.RUNNING;
  }

  Draft edit() {
    return new Draft(this);
  }

  /** A copy being changed inside one transition; never leaves {@link AttemptLifecycle}. */
  static final class Draft {
    final AttemptSpec spec;
    Phase phase;
    Outcome outcome;
    Kill kill;
    boolean timedOut;
    Command live;
    boolean setupStarted;
    boolean mainStarted;
    Command killSentTo;
    boolean killDone;
    Exit pendingExit;
    boolean timeoutArmed;
    Path workDir;
    Map<String, Integer> ports;
    UsageSample usage;
    Build build;
    long startedAtMs;
    long finishedAtMs;
    boolean reportUnsettled;

    private Draft(AttemptState s) {
      spec = s.spec;
      phase = s.phase;
      outcome = s.outcome;
      kill = s.kill;
      timedOut = s.timedOut;
      live = s.live;
      setupStarted = s.setupStarted;
      mainStarted = s.mainStarted;
      killSentTo = s.killSentTo;
      killDone = s.killDone;
      pendingExit = s.pendingExit;
      timeoutArmed = s.timeoutArmed;
      workDir = s.workDir;
      ports = s.ports;
      usage = s.usage;
      build = s.build;
      startedAtMs = s.startedAtMs;
      finishedAtMs = s.finishedAtMs;
      reportUnsettled = s.reportUnsettled;
    }

    AttemptState done() {
      return new AttemptState(spec, phase, outcome, kill, timedOut, live, setupStarted, mainStarted, killSentTo,
          killDone, pendingExit, timeoutArmed, workDir, ports, usage, build, startedAtMs, finishedAtMs,
          reportUnsettled);
    }
  }
}
