package dev.iris.core;

import static dev.iris.core.Fixtures.changed;
import static dev.iris.core.Fixtures.effects;
import static dev.iris.core.Fixtures.ended;
import static dev.iris.core.Fixtures.enqueued;
import static dev.iris.core.Fixtures.jobChanged;
import static dev.iris.core.Fixtures.spec;
import static dev.iris.core.TaskState.FAILED;
import static dev.iris.core.TaskState.KILLED;
import static dev.iris.core.TaskState.PENDING;
import static dev.iris.core.TaskState.RUNNING;
import static dev.iris.core.TaskState.SUCCEEDED;
import static dev.iris.core.TaskState.WORKER_FAILED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.core.Fixtures.Driver;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The two retry budgets: FAILED consumes max_retries_failure, WORKER_FAILED max_retries_preemption. */
class JobRetryTest {

  @Test
  void aFailureWithoutRetriesFailsTheTaskAndTheJobWithItsError() {
    Driver d = new Driver(spec(1));
    d.running(0, "w1");
    Job.Result r = d.report(0, 0, FAILED, 3, "exit status 3: out of memory");
    assertThat(r.effects()).containsExactly(
        ended(0, 0, "w1", false),
        changed(0, RUNNING, FAILED, 0, "w1", "exit status 3: out of memory"),
        jobChanged(JobState.RUNNING, JobState.FAILED, "task-0: exit status 3: out of memory"));
    Task t = d.task(0);
    assertThat(t.state()).isEqualTo(FAILED);
    assertThat(t.exitCode()).isEqualTo(3);
    assertThat(t.error()).isEqualTo("exit status 3: out of memory");
    assertThat(t.failureCount()).isEqualTo(1);
    assertThat(t.currentAttempt().state()).isEqualTo(FAILED);
    assertThat(t.currentAttempt().exitCode()).isEqualTo(3);
    assertThat(t.currentAttempt().isWorkerFailure()).isFalse();
    assertThat(d.job.state()).isEqualTo(JobState.FAILED);
    assertThat(d.job.error()).isEqualTo("task-0: exit status 3: out of memory");
    assertThat(d.job.failureCount()).isEqualTo(1);
  }

  @Test
  void aFailureWithoutAnErrorNamesTheState() {
    Driver d = new Driver(spec(1));
    d.running(0, "w1");
    d.report(0, 0, FAILED, 1, null);
    assertThat(d.task(0).error()).isEmpty();
    assertThat(d.job.error()).isEqualTo("task-0: FAILED");
  }

  @Test
  void failsTwiceThenSucceedsWithTwoFailureRetries() {
    Driver d = new Driver(spec(1, 0, 2, 100));
    for (int i = 0; i < 2; i++) {
      d.running(0, "w" + i);
      Job.Result r = d.fail(0, "flaky " + i);
      assertThat(r.effects()).containsExactly(
          ended(0, i, "w" + i, false),
          enqueued(0),
          changed(0, RUNNING, PENDING, i, "w" + i, "flaky " + i));
      assertThat(d.task(0).state()).isEqualTo(PENDING);
      assertThat(d.task(0).queuedAtMs()).isEqualTo(d.now);
      assertThat(d.task(0).activeWorkerId()).isNull();
      assertThat(d.job.state()).as("a retry keeps the job running").isEqualTo(JobState.RUNNING);
    }
    d.running(0, "w2");
    d.report(0, SUCCEEDED);

    Task t = d.task(0);
    assertThat(t.state()).isEqualTo(SUCCEEDED);
    assertThat(t.failureCount()).isEqualTo(2);
    assertThat(t.preemptionCount()).isZero();
    assertThat(t.attempts()).hasSize(3);
    assertThat(t.attempts()).extracting(TaskAttempt::attemptId).containsExactly(0, 1, 2);
    assertThat(t.attempts()).extracting(TaskAttempt::state).containsExactly(FAILED, FAILED, SUCCEEDED);
    assertThat(t.attempts()).extracting(TaskAttempt::workerId).containsExactly("w0", "w1", "w2");
    assertThat(t.attempts()).extracting(TaskAttempt::error).containsExactly("flaky 0", "flaky 1", "");
    assertThat(d.job.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(d.job.failureCount()).isEqualTo(2);
  }

  @Test
  void theThirdFailureWithTwoRetriesIsTerminal() {
    Driver d = new Driver(spec(1, 0, 2, 100));
    for (int i = 0; i < 2; i++) {
      d.running(0, "w" + i);
      d.fail(0, "flaky");
    }
    d.running(0, "w2");
    d.fail(0, "broken");
    assertThat(d.task(0).state()).isEqualTo(FAILED);
    assertThat(d.task(0).failureCount()).isEqualTo(3);
    assertThat(d.task(0).attempts()).hasSize(3);
    assertThat(d.job.state()).isEqualTo(JobState.FAILED);
    assertThat(d.job.error()).isEqualTo("task-0: broken");
  }

  /** The ways a worker failure reaches the job: a WORKER_FAILED report, an unrequested KILLED, a lost worker. */
  static Stream<Arguments> preemptions() {
    return Stream.of(
        Arguments.of("WORKER_FAILED report", (BiConsumer<Driver, Integer>) (d, i) -> d.report(i, WORKER_FAILED)),
        Arguments.of("KILLED report", (BiConsumer<Driver, Integer>) (d, i) -> d.report(i, KILLED)),
        Arguments.of("workerFailed", (BiConsumer<Driver, Integer>) Driver::workerFailed));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("preemptions")
  void aPreemptionRetriesWithThePreemptionBudgetOnly(String how, BiConsumer<Driver, Integer> preempt) {
    Driver d = new Driver(spec(1, 0, 0, 2));
    d.running(0, "w0");
    preempt.accept(d, 0);
    assertThat(d.task(0).state()).isEqualTo(PENDING);
    assertThat(d.task(0).preemptionCount()).isEqualTo(1);
    assertThat(d.task(0).failureCount()).isZero();
    assertThat(d.task(0).attempts().get(0).isWorkerFailure()).isTrue();
    assertThat(d.task(0).attempts().get(0).state()).isEqualTo(WORKER_FAILED);
    assertThat(d.job.state()).isEqualTo(JobState.RUNNING);

    d.running(0, "w1");
    preempt.accept(d, 0);
    assertThat(d.task(0).state()).isEqualTo(PENDING);
    d.running(0, "w2");
    preempt.accept(d, 0);
    assertThat(d.task(0).state()).as("budget 2 exhausted by the third").isEqualTo(WORKER_FAILED);
    assertThat(d.task(0).preemptionCount()).isEqualTo(3);
    assertThat(d.job.state()).isEqualTo(JobState.WORKER_FAILED);
  }

  @Test
  void aWorkerFailedReportEmitsTheSameEffectsAsAFailure() {
    Driver d = new Driver(spec(1, 0, 0, 1));
    d.running(0, "w0");
    assertThat(d.report(0, 0, WORKER_FAILED, -1, "node preempted").effects()).containsExactly(
        ended(0, 0, "w0", false),
        enqueued(0),
        changed(0, RUNNING, PENDING, 0, "w0", "node preempted"));
    d.assign(0, "w1");
    assertThat(d.job.workerFailed(0, 1, "heartbeat lost", d.tick()).effects()).containsExactly(
        ended(0, 1, "w1", false),
        changed(0, TaskState.ASSIGNED, WORKER_FAILED, 1, "w1", "heartbeat lost"),
        jobChanged(JobState.RUNNING, JobState.WORKER_FAILED, "task-0: heartbeat lost"));
  }

  @Test
  void anUnrequestedKillOnTheWorkerSaysSo() {
    Driver d = new Driver(spec(1, 0, 0, 0));
    d.running(0, "w7");
    d.report(0, KILLED);
    assertThat(d.task(0).state()).isEqualTo(WORKER_FAILED);
    assertThat(d.task(0).error()).isEqualTo("killed on worker w7");
  }

  @Test
  void preemptionsNeverCountTowardMaxTaskFailures() {
    Driver d = new Driver(spec(3, 0, 0, 100));
    d.runningAll();
    for (int round = 0; round < 50; round++) {
      for (int i = 0; i < 3; i++) {
        d.workerFailed(i);
        d.running(i, "w" + (round + i));
      }
    }
    assertThat(d.job.state()).isEqualTo(JobState.RUNNING);
    assertThat(d.job.preemptionCount()).isEqualTo(150);
    assertThat(d.job.failureCount()).isZero();
    for (int i = 0; i < 3; i++) {
      d.report(i, SUCCEEDED);
    }
    assertThat(d.job.state()).isEqualTo(JobState.SUCCEEDED);
  }

  @Test
  void anExhaustedPreemptionBudgetEndsTheJobWorkerFailedOnceEveryTaskFinished() {
    Driver d = new Driver(spec(3, 0, 0, 1));
    d.runningAll();
    d.workerFailed(0);
    d.running(0, "w3");
    d.workerFailed(0);
    assertThat(d.task(0).state()).isEqualTo(WORKER_FAILED);
    assertThat(d.job.state()).as("other tasks still run").isEqualTo(JobState.RUNNING);
    assertThat(d.task(1).state()).isEqualTo(RUNNING);

    d.report(1, SUCCEEDED);
    assertThat(d.job.state()).isEqualTo(JobState.RUNNING);
    Job.Result last = d.report(2, SUCCEEDED);
    assertThat(effects(last, Effect.JobChanged.class))
        .containsExactly(jobChanged(JobState.RUNNING, JobState.WORKER_FAILED, "task-0: worker lost"));
    assertThat(d.job.state()).as("never hangs RUNNING").isEqualTo(JobState.WORKER_FAILED);
    assertThat(d.job.isFinished()).isTrue();
  }

  @Test
  void anExhaustedPreemptionBudgetWithAToleratedFailureStillEndsWorkerFailed() {
    Driver d = new Driver(spec(2, 1, 0, 0));
    d.runningAll();
    d.fail(0, "boom");
    assertThat(d.job.state()).isEqualTo(JobState.RUNNING);
    d.workerFailed(1);
    assertThat(d.job.state()).isEqualTo(JobState.WORKER_FAILED);
  }

  @Test
  void budgetsAreCountedPerTask() {
    Driver d = new Driver(spec(2, 0, 1, 100));
    d.runningAll();
    d.fail(0, "once");
    d.fail(1, "once");
    assertThat(d.task(0).state()).isEqualTo(PENDING);
    assertThat(d.task(1).state()).isEqualTo(PENDING);
    assertThat(d.job.failureCount()).isEqualTo(2);
    assertThat(d.job.state()).isEqualTo(JobState.RUNNING);
  }

  @Test
  void failuresAndPreemptionsInterleaveWithoutSharingABudget() {
    Driver d = new Driver(spec(1, 0, 1, 1));
    d.running(0, "w0");
    d.workerFailed(0);
    d.running(0, "w1");
    d.fail(0, "boom");
    assertThat(d.task(0).state()).isEqualTo(PENDING);
    assertThat(d.task(0).failureCount()).isEqualTo(1);
    assertThat(d.task(0).preemptionCount()).isEqualTo(1);
    d.running(0, "w2");
    d.report(0, SUCCEEDED);
    assertThat(d.job.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(d.task(0).attempts()).extracting(TaskAttempt::state)
        .containsExactly(WORKER_FAILED, FAILED, SUCCEEDED);
  }
}
