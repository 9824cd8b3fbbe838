package dev.iris.worker.attempt;

import static dev.iris.worker.attempt.AttemptEvent.Type.BUNDLE_INSTALLED;
import static dev.iris.worker.attempt.AttemptEvent.Type.KILL_DONE;
import static dev.iris.worker.attempt.AttemptEvent.Type.KILL_REQUESTED;
import static dev.iris.worker.attempt.AttemptEvent.Type.MAY_START;
import static dev.iris.worker.attempt.AttemptEvent.Type.PREPARED;
import static dev.iris.worker.attempt.AttemptEvent.Type.PROCESS_EXITED;
import static dev.iris.worker.attempt.AttemptEvent.Type.PROCESS_STARTED;
import static dev.iris.worker.attempt.AttemptEvent.Type.REPORT_SETTLED;
import static dev.iris.worker.attempt.AttemptEvent.Type.STEP_FAILED;
import static dev.iris.worker.attempt.AttemptEvent.Type.TIMEOUT_EXPIRED;
import static dev.iris.worker.attempt.AttemptEvent.Type.USAGE_SAMPLED;

import dev.iris.core.TaskState;
import dev.iris.worker.attempt.AttemptEffect.ArmTimeout;
import dev.iris.worker.attempt.AttemptEffect.CancelTimeout;
import dev.iris.worker.attempt.AttemptEffect.CleanUp;
import dev.iris.worker.attempt.AttemptEffect.Finished;
import dev.iris.worker.attempt.AttemptEffect.InstallBundle;
import dev.iris.worker.attempt.AttemptEffect.KillProcess;
import dev.iris.worker.attempt.AttemptEffect.Prepare;
import dev.iris.worker.attempt.AttemptEffect.ReleasePorts;
import dev.iris.worker.attempt.AttemptEffect.Report;
import dev.iris.worker.attempt.AttemptEffect.StartProcess;
import dev.iris.worker.attempt.AttemptEvent.Type;
import dev.iris.worker.attempt.AttemptState.Build;
import dev.iris.worker.attempt.AttemptState.Draft;
import dev.iris.worker.attempt.AttemptState.Exit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One attempt's lifecycle on a worker, as a table: which events each {@link Phase} takes, and for each the
 * next state and the effects. Pure: {@code now} is an argument, effects are values the worker carries out.
 *
 * <pre>
 * ACCEPTED   --MayStart----------> PREPARING
 * PREPARING  --Prepared----------> INSTALLING (a bundle) | SETTING_UP (a setup command, no bundle)
 *                                  | STARTING (nothing to build: the command was started with the directory)
 * INSTALLING --BundleInstalled---> SETTING_UP (a setup command) | STARTING
 * SETTING_UP --ProcessExited(0)--> STARTING
 * STARTING   --ProcessStarted----> RUNNING
 * RUNNING    --ProcessExited-----> FINISHED (after KillDone when a kill was sent)
 * any other  --StepFailed, a setup exit != 0, a kill once the step in flight returns--> FINISHED
 * </pre>
 *
 * Rules the table keeps:
 * <ul>
 *   <li>A kill is recorded once (the first wins) and sent to the live process, if any; a process that
 *       starts after it is killed at once. An attempt killed before its command ran ends KILLED with exit
 *       code 0 when the step in flight returns (an ACCEPTED one only once its predecessor is gone, so two
 *       attempts of a task never run at once). A kill always ends KILLED (WORKER_FAILED when the worker fenced the
 *       attempt: its lease ran out) unless the attempt finished first.
 *   <li>The timeout is armed when the command starts (unless a kill came first) and, when it fires, kills
 *       the command; the attempt then ends FAILED "Timeout exceeded", or KILLED if a kill came meanwhile.
 *   <li>A killed process's exit is held until its whole tree is gone (KillDone), so nothing of it runs
 *       once the attempt is FINISHED.
 *   <li>Finishing happens once: it cancels the timeout, releases the ports, sends the one final report,
 *       cleans up (sweeping what the trees not killed left behind) and records the end. Events for a
 *       finished attempt change nothing, except the settling of its report.
 * </ul>
 * Events a phase does not take, and events about a process that is not the live one, are ignored with a
 * reason ({@link Step#ignored}).
 */
public final class AttemptLifecycle {
  /** The grace a timed-out command gets between SIGTERM and SIGKILL. */
  public static final Duration TIMEOUT_GRACE = Duration.ofSeconds(5);
  public static final String TIMEOUT_ERROR = "Timeout exceeded";

  /** Which events each phase takes; the rest are ignored. */
  private static final Map<Phase, Set<Type>> TAKES = new EnumMap<>(Phase.class);

  static {
    TAKES.put(Phase.ACCEPTED, EnumSet.of(MAY_START, KILL_REQUESTED, REPORT_SETTLED));
    TAKES.put(Phase.PREPARING, EnumSet.of(PREPARED, STEP_FAILED, KILL_REQUESTED, REPORT_SETTLED));
    TAKES.put(Phase.INSTALLING, EnumSet.of(BUNDLE_INSTALLED, STEP_FAILED, KILL_REQUESTED, REPORT_SETTLED));
    TAKES.put(Phase.SETTING_UP,
        EnumSet.of(PROCESS_STARTED, PROCESS_EXITED, STEP_FAILED, KILL_REQUESTED, KILL_DONE, REPORT_SETTLED));
    TAKES.put(Phase.STARTING, EnumSet.of(PROCESS_STARTED, STEP_FAILED, KILL_REQUESTED, REPORT_SETTLED));
    TAKES.put(Phase.RUNNING,
        EnumSet.of(PROCESS_EXITED, KILL_REQUESTED, KILL_DONE, TIMEOUT_EXPIRED, USAGE_SAMPLED, REPORT_SETTLED));
    TAKES.put(Phase.FINISHED, EnumSet.of(REPORT_SETTLED));
  }

  private AttemptLifecycle() {}

  /** Whether {@code phase} takes events of {@code kind} (the table above). */
  public static boolean takes(Phase phase, Type kind) {
    return TAKES.get(phase).contains(kind);
  }

  /** Applies {@code event} to {@code state} at {@code nowMs}. */
  public static Step apply(AttemptState state, AttemptEvent event, long nowMs) {
    if (!takes(state.phase(), event.type())) {
      return Step.ignored(state, event.type() + " does not apply to a " + state.phase() + " attempt");
    }
    Draft d = state.edit();
    List<AttemptEffect> effects = new ArrayList<>();
    String ignored = null;
    switch (event.type()) {
      case MAY_START:
        mayStart(d, effects, nowMs);
        break;
      case PREPARED:
        prepared(d, (AttemptEvent.Prepared) event, effects, nowMs);
        break;
      case BUNDLE_INSTALLED:
        d.build = new Build(d.build.startedMs(), d.build.finishedMs(), ((AttemptEvent.BundleInstalled) event).fromCache());
        afterBundle(d, effects, nowMs);
        break;
      case STEP_FAILED:
        ignored = stepFailed(d, (AttemptEvent.StepFailed) event, effects, nowMs);
        break;
      case PROCESS_STARTED:
        ignored = started(d, ((AttemptEvent.ProcessStarted) event).command(), effects, nowMs);
        break;
      case PROCESS_EXITED:
        ignored = exited(d, (AttemptEvent.ProcessExited) event, effects, nowMs);
        break;
      case KILL_REQUESTED:
        ignored = killRequested(d, (AttemptEvent.KillRequested) event, effects);
        break;
      case KILL_DONE:
        ignored = killDone(d, ((AttemptEvent.KillDone) event).command(), effects, nowMs);
        break;
      case TIMEOUT_EXPIRED:
        ignored = timeout(d, effects);
        break;
      case USAGE_SAMPLED:
        d.usage = ((AttemptEvent.UsageSampled) event).usage();
        break;
      case REPORT_SETTLED:
        d.reportUnsettled = false;
        break;
      default:
        throw new AssertionError(event.type());
    }
    return ignored != null ? Step.ignored(state, ignored) : new Step(d.done(), effects, null);
  }

  // ---------------------------------------------------------------- building

  private static void mayStart(Draft d, List<AttemptEffect> effects, long now) {
    if (d.kill != null) {
      finish(d, killedBeforeCommand(d), effects, now);
      return;
    }
    d.phase = Phase.PREPARING;
    d.build = new Build(now, 0, false);
    report(d, effects);
    effects.add(new Prepare(d.spec.startsAtOnce()));
  }

  private static void prepared(Draft d, AttemptEvent.Prepared e, List<AttemptEffect> effects, long now) {
    d.workDir = e.workDir();
    d.ports = e.ports();
    if (d.spec.startsAtOnce()) {
      d.build = new Build(d.build.startedMs(), now, false);
      d.phase = Phase.STARTING; // the command is being started already; a kill goes to it once it has
    } else if (d.kill != null) {
      finish(d, killedBeforeCommand(d), effects, now);
    } else if (d.spec.bundle()) {
      d.phase = Phase.INSTALLING;
      effects.add(new InstallBundle());
    } else {
      setUp(d, effects);
    }
  }

  private static void afterBundle(Draft d, List<AttemptEffect> effects, long now) {
    if (d.kill != null) {
      finish(d, killedBeforeCommand(d), effects, now);
    } else if (d.spec.setup()) {
      setUp(d, effects);
    } else {
      d.build = new Build(d.build.startedMs(), now, d.build.fromCache());
      startCommand(d, effects);
    }
  }

  private static void setUp(Draft d, List<AttemptEffect> effects) {
    d.phase = Phase.SETTING_UP;
    effects.add(new StartProcess(Command.SETUP));
  }

  private static void startCommand(Draft d, List<AttemptEffect> effects) {
    d.phase = Phase.STARTING;
    effects.add(new StartProcess(Command.MAIN));
  }

  private static String stepFailed(Draft d, AttemptEvent.StepFailed e, List<AttemptEffect> effects, long now) {
    if (d.live != null) {
      return "a step failure while " + d.live + " runs";
    }
    finish(d, d.kill != null ? killedBeforeCommand(d) : new Outcome(TaskState.FAILED, -1, e.message()), effects, now);
    return null;
  }

  // ---------------------------------------------------------------- processes

  private static String started(Draft d, Command command, List<AttemptEffect> effects, long now) {
    Command expected = d.phase == Phase.SETTING_UP ? Command.SETUP : Command.MAIN;
    if (command != expected || d.live != null) {
      return command + " started while " + d.phase + (d.live == null ? "" : " with " + d.live + " live");
    }
    d.live = command;
    if (command == Command.SETUP) {
      d.setupStarted = true;
    } else {
      d.mainStarted = true;
      d.phase = Phase.RUNNING;
      d.startedAtMs = now;
    }
    if (d.kill != null) {
      sendKill(d, d.kill.grace(), effects);
    } else if (command == Command.MAIN) {
      report(d, effects);
      if (!d.spec.timeout().isZero()) {
        d.timeoutArmed = true;
        effects.add(new ArmTimeout(d.spec.timeout()));
      }
    }
    return null;
  }

  private static String exited(Draft d, AttemptEvent.ProcessExited e, List<AttemptEffect> effects, long now) {
    if (e.command() != d.live) {
      return e.command() + " exited but " + (d.live == null ? "nothing" : d.live) + " is live";
    }
    Exit exit = new Exit(e.code(), e.lastLine());
    if (d.killSentTo == e.command() && !d.killDone) {
      d.pendingExit = exit; // its tree is not gone yet: the end waits for KillDone
      return null;
    }
    ended(d, e.command(), exit, effects, now);
    return null;
  }

  private static String killDone(Draft d, Command command, List<AttemptEffect> effects, long now) {
    if (command != d.killSentTo || d.killDone) {
      return "a kill of " + command + " completed, but the kill in flight is " + d.killSentTo;
    }
    d.killDone = true;
    if (d.pendingExit != null) {
      Exit exit = d.pendingExit;
      d.pendingExit = null;
      ended(d, command, exit, effects, now);
    }
    return null;
  }

  /** The live command's process exited and (if it was killed) its tree is gone. */
  private static void ended(Draft d, Command command, Exit exit, List<AttemptEffect> effects, long now) {
    d.live = null;
    if (command == Command.SETUP) {
      d.build = new Build(d.build.startedMs(), now, d.build.fromCache());
      if (d.kill != null) {
        finish(d, killedBeforeCommand(d), effects, now);
      } else if (exit.code() != 0) {
        finish(d, new Outcome(TaskState.FAILED, -1,
            "setup command failed with exit code " + exit.code() + lastLine(exit)), effects, now);
      } else {
        startCommand(d, effects);
      }
      return;
    }
    Outcome outcome;
    if (d.kill != null) {
      outcome = new Outcome(d.kill.ends(), exit.code(), d.kill.reason());
    } else if (d.timedOut) {
      outcome = new Outcome(TaskState.FAILED, -1, TIMEOUT_ERROR);
    } else if (exit.code() == 0) {
      outcome = new Outcome(TaskState.SUCCEEDED, 0, "");
    } else {
      outcome = new Outcome(TaskState.FAILED, exit.code(), "Exit code: " + exit.code() + lastLine(exit));
    }
    finish(d, outcome, effects, now);
  }

  // ---------------------------------------------------------------- kills and the timeout

  private static String killRequested(Draft d, AttemptEvent.KillRequested e, List<AttemptEffect> effects) {
    if (d.kill != null) {
      return "a kill was asked for already (" + d.kill.reason() + ")";
    }
    d.kill = new Kill(e.grace(), e.reason(), e.ends());
    if (d.live != null) {
      sendKill(d, e.grace(), effects);
    }
    return null;
  }

  private static String timeout(Draft d, List<AttemptEffect> effects) {
    d.timeoutArmed = false;
    if (d.kill != null || d.timedOut) {
      return "the timeout fired after a kill";
    }
    d.timedOut = true;
    sendKill(d, TIMEOUT_GRACE, effects);
    return null;
  }

  /** Tells the live process's tree to die, unless a kill was sent to it already. */
  private static void sendKill(Draft d, Duration grace, List<AttemptEffect> effects) {
    if (d.killSentTo == null || d.killSentTo != d.live) {
      d.killSentTo = d.live;
      d.killDone = false;
      effects.add(new KillProcess(d.live, grace));
    }
  }

  // ---------------------------------------------------------------- the end

  private static Outcome killedBeforeCommand(Draft d) {
    return new Outcome(d.kill.ends(), 0, d.kill.reason());
  }

  private static void finish(Draft d, Outcome outcome, List<AttemptEffect> effects, long now) {
    if (d.timeoutArmed) {
      d.timeoutArmed = false;
      effects.add(new CancelTimeout());
    }
    d.phase = Phase.FINISHED;
    d.outcome = outcome;
    d.finishedAtMs = now;
    d.live = null;
    d.pendingExit = null;
    if (d.build.startedMs() > 0 && d.build.finishedMs() == 0) {
      d.build = new Build(d.build.startedMs(), now, d.build.fromCache());
    }
    if (d.spec.ports()) {
      effects.add(new ReleasePorts());
    }
    report(d, effects);
    // a killed tree is gone already (its end waited for that); what the others left behind is swept
    Set<Command> sweep = EnumSet.noneOf(Command.class);
    if (d.setupStarted && d.killSentTo != Command.SETUP) {
      sweep.add(Command.SETUP);
    }
    if (d.mainStarted && d.killSentTo != Command.MAIN) {
      sweep.add(Command.MAIN);
    }
    effects.add(new CleanUp(sweep));
    effects.add(new Finished());
  }

  private static void report(Draft d, List<AttemptEffect> effects) {
    d.reportUnsettled = true;
    effects.add(new Report());
  }

  private static String lastLine(Exit exit) {
    String last = exit.lastLine();
    return last == null || last.isBlank() ? "" : ": " + last;
  }
}
