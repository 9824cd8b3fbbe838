package dev.iris.core;

import static dev.iris.core.Fixtures.changed;
import static dev.iris.core.Fixtures.effects;
import static dev.iris.core.Fixtures.ended;
import static dev.iris.core.Fixtures.enqueued;
import static dev.iris.core.Fixtures.jobChanged;
import static dev.iris.core.Fixtures.spec;
import static dev.iris.core.TaskState.ASSIGNED;
import static dev.iris.core.TaskState.BUILDING;
import static dev.iris.core.TaskState.FAILED;
import static dev.iris.core.TaskState.KILLED;
import static dev.iris.core.TaskState.PENDING;
import static dev.iris.core.TaskState.RUNNING;
import static dev.iris.core.TaskState.SUCCEEDED;
import static dev.iris.core.TaskState.UNSCHEDULABLE;
import static dev.iris.core.TaskState.WORKER_FAILED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.core.Fixtures.Driver;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The happy path, and every kind of report the job must ignore. */
class JobLifecycleTest {

  @Test
  void successPathEmitsEveryChangeAsAnEffect() {
    Job job = Fixtures.submit(spec(1));
    assertThat(job.state()).isEqualTo(JobState.PENDING);

    Job.Result assigned = job.assign(0, "w1", 1_000);
    assertThat(assigned.wasIgnored()).isFalse();
    assertThat(assigned.effects()).containsExactly(
        changed(0, PENDING, ASSIGNED, 0, "w1", "assigned to w1"),
        jobChanged(JobState.PENDING, JobState.RUNNING, ""));
    assertThat(job.startedAtMs()).isEqualTo(1_000);
    Task task = job.task(0);
    assertThat(task.currentAttemptId()).isZero();
    assertThat(task.activeWorkerId()).isEqualTo("w1");
    assertThat(task.currentAttempt().assignedAtMs()).isEqualTo(1_000);

    assertThat(job.report(0, 0, BUILDING, 0, "", null, 2_000).effects())
        .containsExactly(changed(0, ASSIGNED, BUILDING, 0, "w1", ""));
    assertThat(job.report(0, 0, RUNNING, 0, "", null, 3_000).effects())
        .containsExactly(changed(0, BUILDING, RUNNING, 0, "w1", ""));
    assertThat(task.startedAtMs()).isEqualTo(3_000);
    assertThat(job.state()).isEqualTo(JobState.RUNNING);

    Job.Result done = job.report(0, 0, SUCCEEDED, 0, "", null, 4_000);
    assertThat(done.effects()).containsExactly(
        ended(0, 0, "w1", false),
        changed(0, RUNNING, SUCCEEDED, 0, "w1", ""),
        jobChanged(JobState.RUNNING, JobState.SUCCEEDED, ""));
    assertThat(task.state()).isEqualTo(SUCCEEDED);
    assertThat(task.finishedAtMs()).isEqualTo(4_000);
    assertThat(task.exitCode()).isZero();
    assertThat(task.activeWorkerId()).isNull();
    assertThat(task.attempts()).hasSize(1);
    TaskAttempt attempt = task.currentAttempt();
    assertThat(attempt.state()).isEqualTo(SUCCEEDED);
    assertThat(attempt.startedAtMs()).isEqualTo(3_000);
    assertThat(attempt.finishedAtMs()).isEqualTo(4_000);
    assertThat(attempt.isActive()).isFalse();
    assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(job.isFinished()).isTrue();
    assertThat(job.finishedAtMs()).isEqualTo(4_000);
    assertThat(job.error()).isEmpty();
    assertThat(job.count(SUCCEEDED)).isEqualTo(1);
    assertThat(job.failureCount()).isZero();
    assertThat(job.preemptionCount()).isZero();
  }

  static Stream<Arguments> shortcuts() {
    // a worker may skip BUILDING, and a fast task may end before its RUNNING report arrives
    return Stream.of(
        Arguments.of(List.of(RUNNING, SUCCEEDED)),
        Arguments.of(List.of(SUCCEEDED)),
        Arguments.of(List.of(BUILDING, SUCCEEDED)),
        Arguments.of(List.of(BUILDING, RUNNING, SUCCEEDED)));
  }

  @ParameterizedTest
  @MethodSource("shortcuts")
  void reportsMaySkipStates(List<TaskState> reports) {
    Driver d = new Driver(spec(1));
    d.assign(0, "w1");
    TaskState from = ASSIGNED;
    for (TaskState s : reports) {
      assertThat(effects(d.report(0, s), Effect.TaskChanged.class))
          .containsExactly(changed(0, from, s, 0, "w1", ""));
      from = s;
    }
    assertThat(d.job.state()).isEqualTo(JobState.SUCCEEDED);
  }

  @Test
  void theJobRunsOnceAnyTaskIsAssignedAndSucceedsWhenAllHave() {
    Driver d = new Driver(spec(3));
    d.assign(1, "w1");
    assertThat(d.job.state()).isEqualTo(JobState.RUNNING);
    d.report(1, SUCCEEDED);
    assertThat(d.job.state()).isEqualTo(JobState.RUNNING);
    d.running(0, "w0").running(2, "w2");
    assertThat(d.report(0, SUCCEEDED).effects()).noneMatch(e -> e instanceof Effect.JobChanged);
    assertThat(effects(d.report(2, SUCCEEDED), Effect.JobChanged.class))
        .containsExactly(jobChanged(JobState.RUNNING, JobState.SUCCEEDED, ""));
    assertThat(d.job.count(SUCCEEDED)).isEqualTo(3);
  }

  @Test
  void assignOnlyTakesPendingTasks() {
    Driver d = new Driver(spec(2));
    d.assign(0, "w1");
    Job.Result again = d.assign(0, "w2");
    assertThat(again.wasIgnored()).isTrue();
    assertThat(again.ignored()).contains("ASSIGNED, not PENDING");
    assertThat(again.effects()).isEmpty();
    assertThat(d.task(0).attempts()).hasSize(1);
    assertThat(d.task(0).activeWorkerId()).isEqualTo("w1");
  }

  @Test
  void duplicateProgressReportsChangeNothing() {
    Driver d = new Driver(spec(1));
    d.running(0, "w1");
    Job.Result dup = d.report(0, RUNNING);
    assertThat(dup.effects()).isEmpty();
    assertThat(d.task(0).state()).isEqualTo(RUNNING);
    assertThat(d.task(0).startedAtMs()).as("the first RUNNING report sets the start").isEqualTo(2_000);
  }

  @Test
  void reportsRecordWhatTheWorkerObserved() {
    Driver d = new Driver(spec(1));
    d.assign(0, "w1");
    TaskAttempt.Usage usage = new TaskAttempt.Usage(100, 120, 50, 500, 2, 10);
    d.job.report(0, 0, BUILDING, 0, "", new TaskAttempt.Observation(Map.of(), TaskAttempt.Usage.NONE,
        1_500, 0, true), 2_000);
    d.job.report(0, 0, RUNNING, 0, "", new TaskAttempt.Observation(Map.of("http", 31000), usage, 0, 1_900,
        false), 3_000);
    d.job.report(0, 0, RUNNING, 0, "", null, 4_000);
    TaskAttempt.Observation o = d.task(0).currentAttempt().observation();
    assertThat(o.ports()).containsEntry("http", 31000);
    assertThat(o.usage()).isEqualTo(usage);
    assertThat(o.buildStartedMs()).isEqualTo(1_500);
    assertThat(o.buildFinishedMs()).isEqualTo(1_900);
    assertThat(o.buildFromCache()).isTrue();
  }

  // ------------------------------------------------------------------ reports that must be ignored

  @ParameterizedTest
  @EnumSource(value = TaskState.class, names = {"PENDING", "ASSIGNED", "UNSCHEDULABLE"})
  void aPendingAssignedOrUnschedulableReportNeverMovesATaskFromAssigned(TaskState observed) {
    Driver d = new Driver(spec(1));
    d.assign(0, "w1");
    Job.Result r = d.report(0, observed);
    assertThat(r.wasIgnored()).isTrue();
    assertThat(r.effects()).isEmpty();
    assertThat(d.task(0).state()).isEqualTo(ASSIGNED);
  }

  @ParameterizedTest
  @EnumSource(value = TaskState.class, names = {"PENDING", "ASSIGNED", "BUILDING", "UNSCHEDULABLE"})
  void noReportMovesARunningTaskBack(TaskState observed) {
    Driver d = new Driver(spec(1));
    d.running(0, "w1");
    Job.Result r = d.report(0, observed);
    assertThat(r.wasIgnored()).isTrue();
    assertThat(r.effects()).isEmpty();
    assertThat(d.task(0).state()).isEqualTo(RUNNING);
    assertThat(d.job.state()).isEqualTo(JobState.RUNNING);
  }

  @Test
  void buildingAfterRunningIsIgnoredWithAReason() {
    Driver d = new Driver(spec(1));
    d.running(0, "w1");
    assertThat(d.report(0, BUILDING).ignored()).contains("RUNNING").contains("cannot move it back");
  }

  @Test
  void reportsForAnyAttemptButTheCurrentOneAreIgnored() {
    Driver d = new Driver(spec(1, 0, 1, 100));
    assertThat(d.report(0, 0, RUNNING, 0, "").wasIgnored()).as("no attempt yet").isTrue();
    d.running(0, "w1");
    d.fail(0, "boom");
    d.running(0, "w2");
    assertThat(d.attempt(0)).isEqualTo(1);

    for (TaskState s : TaskState.values()) {
      Job.Result stale = d.report(0, 0, s, 1, "stale");
      assertThat(stale.wasIgnored()).as("stale %s", s).isTrue();
      assertThat(stale.ignored()).contains("not the current one");
      Job.Result future = d.report(0, 7, s, 1, "future");
      assertThat(future.wasIgnored()).as("future %s", s).isTrue();
    }
    assertThat(d.job.workerFailed(0, 0, "stale", d.tick()).wasIgnored()).isTrue();
    assertThat(d.job.deliveryFailed(0, 0, "stale", d.tick()).wasIgnored()).isTrue();
    assertThat(d.task(0).state()).isEqualTo(RUNNING);
    assertThat(d.task(0).failureCount()).isEqualTo(1);
    assertThat(d.task(0).preemptionCount()).isZero();
    assertThat(d.task(0).activeWorkerId()).isEqualTo("w2");
  }

  @ParameterizedTest
  @EnumSource(value = TaskState.class, names = {"SUCCEEDED", "FAILED", "WORKER_FAILED", "KILLED"})
  void aDuplicateTerminalReportIsIgnored(TaskState end) {
    // two replicas and tolerant budgets, so the job stays open after the first report
    Driver d = new Driver(spec(2, 1, 0, 0));
    d.running(0, "w0").running(1, "w1");
    d.report(0, end);
    TaskState after = d.task(0).state();
    int failures = d.task(0).failureCount();
    int preemptions = d.task(0).preemptionCount();
    for (TaskState again : TaskState.values()) {
      Job.Result dup = d.report(0, 0, again, 9, "again");
      assertThat(dup.wasIgnored()).isTrue();
      assertThat(dup.ignored()).contains("already ended");
    }
    assertThat(d.task(0).state()).isEqualTo(after);
    assertThat(d.task(0).failureCount()).isEqualTo(failures);
    assertThat(d.task(0).preemptionCount()).isEqualTo(preemptions);
    assertThat(d.task(0).error()).isNotEqualTo("again");
  }

  @Test
  void aDuplicateFailureReportOfARetriedAttemptConsumesNoSecondRetry() {
    Driver d = new Driver(spec(1, 0, 1, 0));
    d.running(0, "w1");
    d.fail(0, "boom");
    assertThat(d.task(0).state()).isEqualTo(PENDING);
    assertThat(d.report(0, 0, FAILED, 1, "boom").wasIgnored()).isTrue();
    assertThat(d.task(0).failureCount()).isEqualTo(1);
    assertThat(d.task(0).state()).isEqualTo(PENDING);
    assertThat(d.task(0).attempts()).hasSize(1);
  }

  // ------------------------------------------------------------------ delivery failures

  @Test
  void aDeliveryFailureWhileAssignedRequeuesWithoutConsumingABudget() {
    Driver d = new Driver(spec(1, 0, 0, 0));
    d.assign(0, "w1");
    Job.Result r = d.deliveryFailed(0);
    assertThat(r.effects()).containsExactly(
        ended(0, 0, "w1", false),
        enqueued(0),
        changed(0, ASSIGNED, PENDING, 0, "w1", "connection refused"));
    assertThat(d.task(0).state()).isEqualTo(PENDING);
    assertThat(d.task(0).failureCount()).isZero();
    assertThat(d.task(0).preemptionCount()).isZero();
    assertThat(d.task(0).queuedAtMs()).isEqualTo(2_000);
    assertThat(d.job.state()).isEqualTo(JobState.RUNNING);

    d.assign(0, "w2");
    assertThat(d.attempt(0)).as("a new attempt id on reassign").isEqualTo(1);
    assertThat(d.task(0).activeWorkerId()).isEqualTo("w2");
    assertThat(d.task(0).attempts()).extracting(TaskAttempt::workerId).containsExactly("w1", "w2");

    Job.Result late = d.report(0, 0, RUNNING, 0, "");
    assertThat(late.wasIgnored()).as("a late report of the undelivered attempt").isTrue();
    assertThat(d.task(0).state()).isEqualTo(ASSIGNED);

    d.report(0, SUCCEEDED);
    assertThat(d.job.state()).isEqualTo(JobState.SUCCEEDED);
  }

  @Test
  void deliveryFailuresNeverExhaustTheBudgets() {
    Driver d = new Driver(spec(1, 0, 0, 0));
    for (int i = 0; i < 250; i++) {
      d.assign(0, "w" + i);
      assertThat(d.deliveryFailed(0).wasIgnored()).isFalse();
    }
    assertThat(d.task(0).state()).isEqualTo(PENDING);
    assertThat(d.task(0).attempts()).hasSize(250);
    assertThat(d.job.preemptionCount()).isZero();
    assertThat(d.job.failureCount()).isZero();
  }

  @Test
  void aDeliveryFailureAfterTheTaskReachedItsWorkerIsIgnored() {
    Driver d = new Driver(spec(1));
    d.assign(0, "w1");
    d.report(0, BUILDING);
    Job.Result r = d.deliveryFailed(0);
    assertThat(r.wasIgnored()).isTrue();
    assertThat(r.ignored()).contains("no longer awaiting delivery");
    assertThat(d.task(0).state()).isEqualTo(BUILDING);
    d.report(0, RUNNING);
    assertThat(d.deliveryFailed(0).wasIgnored()).isTrue();
    assertThat(d.job.deliveryFailed(0, 5, "wrong attempt", d.tick()).wasIgnored()).isTrue();
  }

  @Test
  void aDeliveryFailureOfAPendingTaskIsIgnored() {
    Driver d = new Driver(spec(1));
    assertThat(d.job.deliveryFailed(0, -1, "nothing", d.tick()).wasIgnored()).isTrue();
    assertThat(d.job.deliveryFailed(0, 0, "nothing", d.tick()).wasIgnored()).isTrue();
    assertThat(d.task(0).state()).isEqualTo(PENDING);
  }

  // ------------------------------------------------------------------ a finished task never changes

  /** Drives task 0 of a 2-replica job into {@code end}. */
  private static Driver finishedTask(TaskState end) {
    Driver d;
    switch (end) {
      case SUCCEEDED -> {
        d = new Driver(spec(2));
        d.running(0, "w0").running(1, "w1").report(0, SUCCEEDED);
      }
      case FAILED -> {
        d = new Driver(spec(2, 1, 0, 0)); // one failure tolerated: the job stays RUNNING
        d.running(0, "w0").running(1, "w1").fail(0, "boom");
      }
      case WORKER_FAILED -> {
        d = new Driver(spec(2, 0, 0, 0));
        d.running(0, "w0").running(1, "w1").workerFailed(0);
      }
      case KILLED -> {
        d = new Driver(spec(2));
        d.running(0, "w0").kill("user");
      }
      case UNSCHEDULABLE -> {
        d = new Driver(Fixtures.withSchedulingTimeout(spec(2), 60_000));
        d.expire(0);
      }
      default -> throw new IllegalArgumentException(end.name());
    }
    assertThat(d.task(0).state()).isEqualTo(end);
    return d;
  }

  @ParameterizedTest
  @EnumSource(value = TaskState.class, names = {"SUCCEEDED", "FAILED", "WORKER_FAILED", "KILLED", "UNSCHEDULABLE"})
  void aFinishedTaskNeverChanges(TaskState end) {
    Driver d = finishedTask(end);
    Task t = d.task(0);
    int attempts = t.attempts().size();
    long finishedAt = t.finishedAtMs();
    String error = t.error();
    int exit = t.exitCode();
    int failures = t.failureCount();
    int preemptions = t.preemptionCount();

    assertThat(d.assign(0, "w9").wasIgnored()).isTrue();
    for (int attempt = -1; attempt <= attempts; attempt++) {
      for (TaskState s : TaskState.values()) {
        assertThat(d.report(0, attempt, s, 3, "late").wasIgnored()).as("%s report %s", attempt, s).isTrue();
      }
      assertThat(d.job.deliveryFailed(0, attempt, "late", d.tick()).wasIgnored()).isTrue();
      assertThat(d.job.workerFailed(0, attempt, "late", d.tick()).wasIgnored()).isTrue();
    }
    assertThat(d.expire(0).wasIgnored()).isTrue();
    d.kill("user kills the rest"); // the others may be killed; this task stays as it was

    assertThat(t.state()).isEqualTo(end);
    assertThat(t.attempts()).hasSize(attempts);
    assertThat(t.finishedAtMs()).isEqualTo(finishedAt);
    assertThat(t.error()).isEqualTo(error);
    assertThat(t.exitCode()).isEqualTo(exit);
    assertThat(t.failureCount()).isEqualTo(failures);
    assertThat(t.preemptionCount()).isEqualTo(preemptions);
    assertThat(d.job.isFinished()).isTrue();
  }

  @Test
  void aFinishedJobIgnoresEveryOperation() {
    Driver d = new Driver(spec(2));
    d.runningAll().report(0, SUCCEEDED);
    d.report(1, SUCCEEDED);
    assertThat(d.job.state()).isEqualTo(JobState.SUCCEEDED);
    long finishedAt = d.job.finishedAtMs();
    for (int i = 0; i < 2; i++) {
      assertThat(d.assign(i, "w").wasIgnored()).isTrue();
      assertThat(d.report(i, FAILED).wasIgnored()).isTrue();
      assertThat(d.workerFailed(i).wasIgnored()).isTrue();
      assertThat(d.deliveryFailed(i).wasIgnored()).isTrue();
      assertThat(d.expire(i).wasIgnored()).isTrue();
    }
    Job.Result kill = d.kill("too late");
    assertThat(kill.wasIgnored()).isTrue();
    assertThat(kill.ignored()).contains("already finished SUCCEEDED");
    assertThat(d.job.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(d.job.finishedAtMs()).isEqualTo(finishedAt);
    assertThat(d.job.error()).isEmpty();
    assertThat(d.job.count(SUCCEEDED)).isEqualTo(2);
  }
}
