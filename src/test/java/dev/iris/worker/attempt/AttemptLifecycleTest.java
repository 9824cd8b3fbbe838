package dev.iris.worker.attempt;

import static dev.iris.worker.attempt.Attempts.plain;
import static dev.iris.worker.attempt.Attempts.spec;
import static org.assertj.core.api.Assertions.assertThat;

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
import dev.iris.worker.attempt.AttemptEvent.BundleInstalled;
import dev.iris.worker.attempt.AttemptEvent.KillDone;
import dev.iris.worker.attempt.AttemptEvent.KillRequested;
import dev.iris.worker.attempt.AttemptEvent.MayStart;
import dev.iris.worker.attempt.AttemptEvent.Prepared;
import dev.iris.worker.attempt.AttemptEvent.ProcessExited;
import dev.iris.worker.attempt.AttemptEvent.ProcessStarted;
import dev.iris.worker.attempt.AttemptEvent.ReportSettled;
import dev.iris.worker.attempt.AttemptEvent.StepFailed;
import dev.iris.worker.attempt.AttemptEvent.TimeoutExpired;
import dev.iris.worker.attempt.AttemptEvent.Type;
import dev.iris.worker.attempt.AttemptEvent.UsageSampled;
import dev.iris.worker.usage.UsageSample;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The attempt lifecycle on fixed instants: its table, each path through it, and the races around kills. */
class AttemptLifecycleTest {
  private static final Path DIR = Path.of("/work/attempt-0");
  private static final Duration GRACE = Duration.ofSeconds(2);
  private static final MayStart MAY_START = new MayStart();
  private static final Prepared PREPARED = new Prepared(DIR, Map.of());

  // ---------------------------------------------------------------- the table

  /** Which events each phase takes, written out independently of the implementation. */
  private static final Map<Phase, Set<Type>> DOCUMENTED = Map.of(
      Phase.ACCEPTED, EnumSet.of(Type.MAY_START, Type.KILL_REQUESTED, Type.REPORT_SETTLED),
      Phase.PREPARING, EnumSet.of(Type.PREPARED, Type.STEP_FAILED, Type.KILL_REQUESTED, Type.REPORT_SETTLED),
      Phase.INSTALLING, EnumSet.of(Type.BUNDLE_INSTALLED, Type.STEP_FAILED, Type.KILL_REQUESTED, Type.REPORT_SETTLED),
      Phase.SETTING_UP, EnumSet.of(Type.PROCESS_STARTED, Type.PROCESS_EXITED, Type.STEP_FAILED, Type.KILL_REQUESTED,
          Type.KILL_DONE, Type.REPORT_SETTLED),
      Phase.STARTING, EnumSet.of(Type.PROCESS_STARTED, Type.STEP_FAILED, Type.KILL_REQUESTED, Type.REPORT_SETTLED),
      Phase.RUNNING, EnumSet.of(Type.PROCESS_EXITED, Type.KILL_REQUESTED, Type.KILL_DONE, Type.TIMEOUT_EXPIRED,
          Type.USAGE_SAMPLED, Type.REPORT_SETTLED),
      Phase.FINISHED, EnumSet.of(Type.REPORT_SETTLED));

  static Stream<Arguments> everyPhaseAndKind() {
    return Stream.of(Phase.values()).flatMap(p -> Stream.of(Type.values()).map(k -> Arguments.of(p, k)));
  }

  @ParameterizedTest(name = "{0} takes {1}: as documented")
  @MethodSource("everyPhaseAndKind")
  void theTableIsTheDocumentedOne(Phase phase, Type kind) {
    assertThat(AttemptLifecycle.takes(phase, kind)).isEqualTo(DOCUMENTED.get(phase).contains(kind));
  }

  @Test
  void aFinishedAttemptIgnoresEverythingButTheSettlingOfItsReport() {
    Attempts.Run run = new Attempts.Run(plain());
    run.apply(MAY_START, PREPARED, new ProcessStarted(Command.MAIN), new ProcessExited(Command.MAIN, 0, null));
    AttemptState finished = run.state;
    for (AttemptEvent e : List.of(MAY_START, PREPARED, new KillRequested(GRACE, "late"), new TimeoutExpired(),
        new ProcessExited(Command.MAIN, 1, null), new KillDone(Command.MAIN), new StepFailed("late"),
        new UsageSampled(new UsageSample(1, 1, 1, 1, 1, 1)), new ProcessStarted(Command.MAIN))) {
      Step step = run.apply(e);
      assertThat(step.applied()).as("%s", e).isFalse();
      assertThat(step.ignored()).contains("FINISHED");
      assertThat(run.state).isSameAs(finished);
    }
    assertThat(run.apply(new ReportSettled(true)).next().reportUnsettled()).isFalse();
  }

  // ---------------------------------------------------------------- paths

  @Test
  void nothingToBuild_theCommandStartsWithItsDirectoryAndSucceeds() {
    Attempts.Run run = new Attempts.Run(plain());
    assertThat(run.state.taskState()).isEqualTo(TaskState.ASSIGNED);
    assertThat(run.apply(MAY_START).effects()).containsExactly(new Report(), new Prepare(true));
    assertThat(run.state.taskState()).isEqualTo(TaskState.BUILDING);
    assertThat(run.apply(PREPARED).effects()).isEmpty();
    assertThat(run.state.phase()).isEqualTo(Phase.STARTING);
    assertThat(run.apply(new ProcessStarted(Command.MAIN)).effects()).containsExactly(new Report());
    assertThat(run.state.taskState()).isEqualTo(TaskState.RUNNING);
    assertThat(run.state.startedAtMs()).isEqualTo(1_002);
    assertThat(run.apply(new ProcessExited(Command.MAIN, 0, "noise")).effects())
        .containsExactly(new Report(), new CleanUp(Set.of(Command.MAIN)), new Finished());
    assertThat(run.state.outcome()).isEqualTo(new Outcome(TaskState.SUCCEEDED, 0, ""));
    assertThat(run.state.finishedAtMs()).isEqualTo(1_003);
    assertThat(run.state.build()).isEqualTo(new AttemptState.Build(1_000, 1_001, false));
  }

  @Test
  void bundleAndSetup_buildInOrderThenRun() {
    Attempts.Run run = new Attempts.Run(spec(true, true, true, 60));
    assertThat(run.apply(MAY_START).effects()).containsExactly(new Report(), new Prepare(false));
    assertThat(run.apply(new Prepared(DIR, Map.of("http", 9000))).effects()).containsExactly(new InstallBundle());
    assertThat(run.state.ports()).containsEntry("http", 9000);
    assertThat(run.apply(new BundleInstalled(true)).effects()).containsExactly(new StartProcess(Command.SETUP));
    assertThat(run.apply(new ProcessStarted(Command.SETUP)).effects()).isEmpty();
    assertThat(run.state.taskState()).isEqualTo(TaskState.BUILDING);
    assertThat(run.apply(new ProcessExited(Command.SETUP, 0, "setup done")).effects())
        .containsExactly(new StartProcess(Command.MAIN));
    assertThat(run.state.build()).isEqualTo(new AttemptState.Build(1_000, 1_004, true));
    assertThat(run.apply(new ProcessStarted(Command.MAIN)).effects())
        .containsExactly(new Report(), new ArmTimeout(Duration.ofSeconds(60)));
    assertThat(run.apply(new ProcessExited(Command.MAIN, 3, "boom")).effects()).containsExactly(
        new CancelTimeout(), new ReleasePorts(), new Report(), new CleanUp(Set.of(Command.SETUP, Command.MAIN)),
        new Finished());
    assertThat(run.state.outcome()).isEqualTo(new Outcome(TaskState.FAILED, 3, "Exit code: 3: boom"));
  }

  static Stream<Arguments> buildFailures() {
    return Stream.of(
        Arguments.of("setup exits non-zero", spec(false, true, false, 0),
            List.of(MAY_START, PREPARED, new ProcessStarted(Command.SETUP), new ProcessExited(Command.SETUP, 2, "no pip")),
            "setup command failed with exit code 2: no pip"),
        Arguments.of("setup exits non-zero, silently", spec(false, true, false, 0),
            List.of(MAY_START, PREPARED, new ProcessStarted(Command.SETUP), new ProcessExited(Command.SETUP, 2, " ")),
            "setup command failed with exit code 2"),
        Arguments.of("the bundle cannot be fetched", spec(true, false, false, 0),
            List.of(MAY_START, PREPARED, new StepFailed("bundle abc not found")), "bundle abc not found"),
        Arguments.of("the directory cannot be made", plain(),
            List.of(MAY_START, new StepFailed("worker error: disk full")), "worker error: disk full"),
        Arguments.of("the command cannot start", spec(true, false, false, 0),
            List.of(MAY_START, PREPARED, new BundleInstalled(false), new StepFailed("no such program")),
            "no such program"));
  }

  @ParameterizedTest(name = "{0}: FAILED with exit code -1")
  @MethodSource("buildFailures")
  void aFailedBuildEndsFailedWithItsMessage(String name, AttemptSpec spec, List<AttemptEvent> events, String error) {
    Attempts.Run run = new Attempts.Run(spec);
    events.forEach(run::apply);
    assertThat(run.state.outcome()).isEqualTo(new Outcome(TaskState.FAILED, -1, error));
    assertThat(run.state.build().finishedMs()).isPositive();
    assertThat(run.effects()).filteredOn(e -> e instanceof Finished).hasSize(1);
  }

  // ---------------------------------------------------------------- kills

  @Test
  void killBeforeStart_endsKilledOnlyOnceThePredecessorIsGone() {
    Attempts.Run run = new Attempts.Run(plain());
    assertThat(run.apply(new KillRequested(GRACE, "Superseded by attempt 2")).effects()).isEmpty();
    assertThat(run.state.isFinished()).isFalse(); // an older attempt may still run: this one waits for it
    assertThat(run.apply(MAY_START).effects()).containsExactly(new Report(), new CleanUp(Set.of()), new Finished());
    assertThat(run.state.outcome()).isEqualTo(new Outcome(TaskState.KILLED, 0, "Superseded by attempt 2"));
  }

  static Stream<Arguments> killsWhileBuilding() {
    return Stream.of(
        Arguments.of("while preparing", spec(true, false, false, 0), List.of(MAY_START), List.of(PREPARED)),
        Arguments.of("while installing", spec(true, true, false, 0), List.of(MAY_START, PREPARED),
            List.of(new BundleInstalled(false))),
        Arguments.of("while a step fails", spec(true, false, false, 0), List.of(MAY_START, PREPARED),
            List.of(new StepFailed("bundle gone"))));
  }

  @ParameterizedTest(name = "kill {0}: KILLED with exit code 0, nothing more started")
  @MethodSource("killsWhileBuilding")
  void aKillWhileBuildingEndsKilledWhenTheStepReturns(String name, AttemptSpec spec, List<AttemptEvent> before,
      List<AttemptEvent> after) {
    Attempts.Run run = new Attempts.Run(spec);
    before.forEach(run::apply);
    assertThat(run.apply(new KillRequested(GRACE, "Killed by request")).effects()).isEmpty();
    after.forEach(run::apply);
    assertThat(run.state.outcome()).isEqualTo(new Outcome(TaskState.KILLED, 0, "Killed by request"));
    assertThat(run.effects()).noneMatch(e -> e instanceof StartProcess);
  }

  @Test
  void killWhileTheCommandStarts_killsItOnceStartedWithoutReportingRunning() {
    Attempts.Run run = new Attempts.Run(spec(false, false, false, 30));
    run.apply(MAY_START, PREPARED);
    run.apply(new KillRequested(GRACE, "Killed by request"));
    assertThat(run.apply(new ProcessStarted(Command.MAIN)).effects())
        .containsExactly(new KillProcess(Command.MAIN, GRACE));
    run.apply(new ProcessExited(Command.MAIN, 143, null));
    assertThat(run.state.isFinished()).as("its tree may still live").isFalse();
    assertThat(run.apply(new KillDone(Command.MAIN)).effects())
        .containsExactly(new Report(), new CleanUp(Set.of()), new Finished());
    assertThat(run.state.outcome()).isEqualTo(new Outcome(TaskState.KILLED, 143, "Killed by request"));
  }

  @Test
  void aFencingKill_endsWorkerFailedWhetherTheCommandRanOrNot() {
    Attempts.Run running = new Attempts.Run(spec(false, false, false, 0));
    running.apply(MAY_START, PREPARED, new ProcessStarted(Command.MAIN));
    assertThat(running.apply(new KillRequested(GRACE, "fenced: lease ran out", TaskState.WORKER_FAILED)).effects())
        .containsExactly(new KillProcess(Command.MAIN, GRACE));
    running.apply(new ProcessExited(Command.MAIN, 143, null), new KillDone(Command.MAIN));
    assertThat(running.state.outcome()).isEqualTo(new Outcome(TaskState.WORKER_FAILED, 143, "fenced: lease ran out"));

    Attempts.Run waiting = new Attempts.Run(plain());
    waiting.apply(new KillRequested(GRACE, "fenced: lease ran out", TaskState.WORKER_FAILED));
    waiting.apply(MAY_START);
    assertThat(waiting.state.outcome()).isEqualTo(new Outcome(TaskState.WORKER_FAILED, 0, "fenced: lease ran out"));
  }

  @Test
  void killOfTheSetupCommand_endsKilledAndNeverStartsTheCommand() {
    Attempts.Run run = new Attempts.Run(spec(false, true, false, 0));
    run.apply(MAY_START, PREPARED, new ProcessStarted(Command.SETUP));
    assertThat(run.apply(new KillRequested(GRACE, "Worker stopping")).effects())
        .containsExactly(new KillProcess(Command.SETUP, GRACE));
    run.apply(new KillDone(Command.SETUP)); // the tree may go before the exit is seen
    assertThat(run.apply(new ProcessExited(Command.SETUP, 143, null)).effects())
        .containsExactly(new Report(), new CleanUp(Set.of()), new Finished());
    assertThat(run.state.outcome()).isEqualTo(new Outcome(TaskState.KILLED, 0, "Worker stopping"));
  }

  @Test
  void anExitBeforeTheKill_keepsItsOutcome() {
    Attempts.Run run = new Attempts.Run(plain());
    run.apply(MAY_START, PREPARED, new ProcessStarted(Command.MAIN), new ProcessExited(Command.MAIN, 0, null));
    assertThat(run.apply(new KillRequested(GRACE, "too late")).applied()).isFalse();
    assertThat(run.state.outcome().state()).isEqualTo(TaskState.SUCCEEDED);
  }

  @Test
  void theFirstKillWins() {
    Attempts.Run run = new Attempts.Run(plain());
    run.apply(MAY_START, PREPARED, new ProcessStarted(Command.MAIN), new KillRequested(GRACE, "first"));
    Step second = run.apply(new KillRequested(Duration.ZERO, "second"));
    assertThat(second.applied()).isFalse();
    run.apply(new ProcessExited(Command.MAIN, 143, null), new KillDone(Command.MAIN));
    assertThat(run.state.outcome()).isEqualTo(new Outcome(TaskState.KILLED, 143, "first"));
  }

  // ---------------------------------------------------------------- the timeout

  @Test
  void theTimeoutKillsTheCommandAndFailsIt() {
    Attempts.Run run = new Attempts.Run(spec(false, false, false, 5));
    run.apply(MAY_START, PREPARED, new ProcessStarted(Command.MAIN));
    assertThat(run.apply(new TimeoutExpired()).effects())
        .containsExactly(new KillProcess(Command.MAIN, AttemptLifecycle.TIMEOUT_GRACE));
    run.apply(new ProcessExited(Command.MAIN, 143, null));
    assertThat(run.apply(new KillDone(Command.MAIN)).effects()) // the timer fired: nothing to cancel
        .containsExactly(new Report(), new CleanUp(Set.of()), new Finished());
    assertThat(run.state.outcome()).isEqualTo(new Outcome(TaskState.FAILED, -1, AttemptLifecycle.TIMEOUT_ERROR));
  }

  @Test
  void aKillAfterTheTimeout_endsKilledWithoutASecondSignal() {
    Attempts.Run run = new Attempts.Run(spec(false, false, false, 5));
    run.apply(MAY_START, PREPARED, new ProcessStarted(Command.MAIN), new TimeoutExpired());
    assertThat(run.apply(new KillRequested(GRACE, "Killed by request")).effects()).isEmpty();
    run.apply(new ProcessExited(Command.MAIN, 143, null), new KillDone(Command.MAIN));
    assertThat(run.state.outcome()).isEqualTo(new Outcome(TaskState.KILLED, 143, "Killed by request"));
  }

  @Test
  void aTimeoutAfterTheKill_isIgnored() {
    Attempts.Run run = new Attempts.Run(spec(false, false, false, 5));
    run.apply(MAY_START, PREPARED, new ProcessStarted(Command.MAIN), new KillRequested(GRACE, "Killed by request"));
    assertThat(run.apply(new TimeoutExpired()).effects()).isEmpty();
    assertThat(run.state.timedOut()).isFalse();
  }

  // ---------------------------------------------------------------- stale events

  @Test
  void eventsAboutAProcessThatIsNotLive_areIgnoredWithAReason() {
    Attempts.Run run = new Attempts.Run(spec(false, true, false, 0));
    run.apply(MAY_START, PREPARED, new ProcessStarted(Command.SETUP));
    assertThat(run.apply(new ProcessExited(Command.MAIN, 0, null)).ignored()).contains("SETUP is live");
    assertThat(run.apply(new KillDone(Command.SETUP)).ignored()).contains("kill in flight is null");
    assertThat(run.apply(new ProcessStarted(Command.MAIN)).ignored()).contains("SETUP live");
    assertThat(run.apply(new StepFailed("late")).ignored()).contains("while SETUP runs");
  }

  @Test
  void reportsAreUnsettledFromEachReportUntilTheControllerAnswers() {
    Attempts.Run run = new Attempts.Run(plain());
    run.apply(MAY_START);
    assertThat(run.state.reportUnsettled()).isTrue();
    run.apply(new ReportSettled(true));
    assertThat(run.state.reportUnsettled()).isFalse();
    run.apply(PREPARED, new ProcessStarted(Command.MAIN), new ProcessExited(Command.MAIN, 0, null));
    assertThat(run.state.reportUnsettled()).isTrue();
    run.apply(new ReportSettled(false)); // refused for good: the heartbeat carries the state anyway
    assertThat(run.state.reportUnsettled()).isFalse();
  }
}
