package dev.iris.core;

import static dev.iris.core.Fixtures.changed;
import static dev.iris.core.Fixtures.effects;
import static dev.iris.core.Fixtures.ended;
import static dev.iris.core.Fixtures.enqueued;
import static dev.iris.core.Fixtures.gang;
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
import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.core.Fixtures.Driver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** max_task_failures and the failure domain, the scheduling timeout, user kill, and the gang cascade. */
class JobFailurePolicyTest {

  // ------------------------------------------------------------------ failure domain

  @Test
  void withNoToleratedFailuresTheFirstFailureKillsEveryUnfinishedTask() {
    Driver d = new Driver(spec(3));
    d.running(0, "w0");
    d.assign(1, "w1");
    d.report(1, BUILDING);

    Job.Result r = d.fail(0, "boom");
    String why = "killed: job failed (task-0: boom)";
    assertThat(r.effects()).containsExactly(
        ended(0, 0, "w0", false),
        changed(0, RUNNING, FAILED, 0, "w0", "boom"),
        jobChanged(JobState.RUNNING, JobState.FAILED, "task-0: boom"),
        ended(1, 0, "w1", true),
        changed(1, BUILDING, KILLED, 0, "w1", why),
        changed(2, PENDING, KILLED, -1, null, why));
    assertThat(d.job.state()).isEqualTo(JobState.FAILED);
    assertThat(d.job.count(FAILED)).isEqualTo(1);
    assertThat(d.job.count(KILLED)).isEqualTo(2);
    assertThat(d.task(1).currentAttempt().state()).isEqualTo(KILLED);
    assertThat(d.task(1).error()).isEqualTo(why);
    assertThat(d.task(2).attempts()).isEmpty();
    assertThat(d.task(2).finishedAtMs()).isEqualTo(d.now);
  }

  @Test
  void oneToleratedFailureLetsTheJobContinueAndASecondFailsIt() {
    Driver d = new Driver(spec(3, 1, 0, 100));
    d.runningAll();
    Job.Result first = d.fail(0, "boom");
    assertThat(effects(first, Effect.JobChanged.class)).isEmpty();
    assertThat(effects(first, Effect.AttemptEnded.class)).containsExactly(ended(0, 0, "w0", false));
    assertThat(d.task(1).state()).isEqualTo(RUNNING);
    assertThat(d.task(2).state()).isEqualTo(RUNNING);
    assertThat(d.job.state()).isEqualTo(JobState.RUNNING);

    Job.Result second = d.fail(1, "bang");
    assertThat(effects(second, Effect.JobChanged.class)).containsExactly(jobChanged(JobState.RUNNING,
        JobState.FAILED, "task-0: boom (more than 1 tasks failed)"));
    assertThat(effects(second, Effect.AttemptEnded.class))
        .containsExactly(ended(1, 0, "w1", false), ended(2, 0, "w2", true));
    assertThat(d.task(2).state()).isEqualTo(KILLED);
    assertThat(d.job.state()).isEqualTo(JobState.FAILED);
  }

  @Test
  void allFinishedWithToleratedFailuresSucceeds() {
    Driver d = new Driver(spec(3, 1, 0, 100));
    d.runningAll();
    d.fail(1, "boom");
    d.report(0, SUCCEEDED);
    Job.Result last = d.report(2, SUCCEEDED);
    assertThat(effects(last, Effect.JobChanged.class))
        .containsExactly(jobChanged(JobState.RUNNING, JobState.SUCCEEDED, ""));
    assertThat(d.job.count(FAILED)).isEqualTo(1);
    assertThat(d.job.count(SUCCEEDED)).isEqualTo(2);
  }

  @Test
  void retriedFailuresDoNotCountTowardMaxTaskFailures() {
    Driver d = new Driver(spec(2, 0, 3, 100));
    d.runningAll();
    for (int i = 0; i < 3; i++) {
      d.fail(0, "flaky");
      d.running(0, "w" + (i + 5));
    }
    assertThat(d.job.state()).isEqualTo(JobState.RUNNING);
    assertThat(d.task(1).state()).isEqualTo(RUNNING);
  }

  // ------------------------------------------------------------------ scheduling timeout

  @Test
  void aSchedulingTimeoutMakesTheTaskAndTheJobUnschedulableAndKillsTheRest() {
    Driver d = new Driver(Fixtures.withSchedulingTimeout(spec(3), 60_000));
    d.running(0, "w0");
    d.job.setPendingReason("no worker has 8 cpu free");
    Job.Result r = d.expire(1);
    String why = "scheduling timeout of 60.0 s exceeded: no worker has 8 cpu free";
    assertThat(r.effects()).containsExactly(
        changed(1, PENDING, UNSCHEDULABLE, -1, null, why),
        jobChanged(JobState.RUNNING, JobState.UNSCHEDULABLE, "task-1: " + why),
        ended(0, 0, "w0", true),
        changed(0, RUNNING, KILLED, 0, "w0", "killed: job unschedulable"),
        changed(2, PENDING, KILLED, -1, null, "killed: job unschedulable"));
    assertThat(d.task(1).error()).isEqualTo(why);
    assertThat(d.job.state()).isEqualTo(JobState.UNSCHEDULABLE);
    assertThat(d.job.pendingReason()).as("a finished job waits for nothing").isEmpty();
  }

  @Test
  void aRetriedTaskThatTimesOutKeepsItsAttemptHistory() {
    Driver d = new Driver(Fixtures.withSchedulingTimeout(spec(1, 0, 1, 100), 1_000));
    d.running(0, "w0");
    d.fail(0, "boom");
    Job.Result r = d.expire(0);
    assertThat(effects(r, Effect.TaskChanged.class)).singleElement()
        .satisfies(c -> assertThat(c.attemptId()).isZero());
    assertThat(d.task(0).state()).isEqualTo(UNSCHEDULABLE);
    assertThat(d.task(0).attempts()).hasSize(1);
    assertThat(d.job.state()).isEqualTo(JobState.UNSCHEDULABLE);
  }

  @ParameterizedTest
  @CsvSource({"ASSIGNED", "BUILDING", "RUNNING"})
  void onlyAPendingTaskCanTimeOut(TaskState state) {
    Driver d = new Driver(Fixtures.withSchedulingTimeout(spec(1), 1_000));
    d.assign(0, "w0");
    if (state != ASSIGNED) {
      d.report(0, state);
    }
    Job.Result r = d.expire(0);
    assertThat(r.wasIgnored()).isTrue();
    assertThat(r.ignored()).contains("not PENDING");
    assertThat(d.task(0).state()).isEqualTo(state);
  }

  // ------------------------------------------------------------------ user kill

  @Test
  void aUserKillKillsEveryUnfinishedTaskAndTheJob() {
    Driver d = new Driver(spec(3));
    d.running(0, "w0").running(1, "w1");
    d.report(0, SUCCEEDED);
    Job.Result r = d.kill("killed by alice");
    assertThat(r.effects()).containsExactly(
        ended(1, 0, "w1", true),
        changed(1, RUNNING, KILLED, 0, "w1", "killed by alice"),
        changed(2, PENDING, KILLED, -1, null, "killed by alice"),
        jobChanged(JobState.RUNNING, JobState.KILLED, "killed by alice"));
    assertThat(d.task(0).state()).isEqualTo(SUCCEEDED);
    assertThat(d.job.state()).isEqualTo(JobState.KILLED);
    assertThat(d.job.error()).isEqualTo("killed by alice");
    assertThat(d.job.finishedAtMs()).isEqualTo(d.now);
  }

  @Test
  void killingAPendingJob() {
    Driver d = new Driver(spec(2));
    Job.Result r = d.kill("changed my mind");
    assertThat(r.effects()).containsExactly(
        changed(0, PENDING, KILLED, -1, null, "changed my mind"),
        changed(1, PENDING, KILLED, -1, null, "changed my mind"),
        jobChanged(JobState.PENDING, JobState.KILLED, "changed my mind"));
    assertThat(d.job.startedAtMs()).isZero();
  }

  @Test
  void aKillWithoutAReasonStillEndsTheJobAndReleasesEveryAttempt() {
    Driver d = new Driver(spec(2));
    d.running(0, "w0");
    Job.Result r = d.kill(null);
    assertThat(effects(r, Effect.AttemptEnded.class)).containsExactly(ended(0, 0, "w0", true));
    assertThat(effects(r, Effect.JobChanged.class)).singleElement()
        .satisfies(j -> assertThat(j.to()).isEqualTo(JobState.KILLED));
    assertThat(d.job.state()).isEqualTo(JobState.KILLED);
    assertThat(d.job.error()).isEqualTo("task-0: KILLED");
  }

  @Test
  void killingAFinishedJobIsIgnored() {
    Driver d = new Driver(spec(1));
    d.running(0, "w0");
    d.report(0, FAILED);
    Job.Result r = d.kill("too late");
    assertThat(r.wasIgnored()).isTrue();
    assertThat(d.job.state()).isEqualTo(JobState.FAILED);
    assertThat(d.job.error()).isEqualTo("task-0: FAILED");

    Driver k = new Driver(spec(1));
    k.kill("first");
    assertThat(k.kill("second").wasIgnored()).isTrue();
    assertThat(k.job.error()).isEqualTo("first");
  }

  @Test
  void aKilledTaskKeepsItsAttemptAndReleasesItsWorker() {
    Driver d = new Driver(spec(1));
    d.assign(0, "w0");
    d.kill("stop");
    assertThat(d.task(0).state()).isEqualTo(KILLED);
    assertThat(d.task(0).currentAttempt().state()).isEqualTo(KILLED);
    assertThat(d.task(0).activeWorkerId()).isNull();
    assertThat(d.task(0).failureCount()).isZero();
    assertThat(d.task(0).preemptionCount()).isZero();
    assertThat(d.report(0, SUCCEEDED).wasIgnored()).as("the worker's late report").isTrue();
  }

  // ------------------------------------------------------------------ gang (coscheduled) cascade

  @Test
  void aFailedGangMemberEndsTheAttemptsOfItsActiveSiblings() {
    Driver d = new Driver(gang(3, 0, 0, 100));
    d.runningAll();
    Job.Result r = d.fail(1, "boom");
    String why = "coscheduled sibling task-1 failed";
    assertThat(effects(r, Effect.AttemptEnded.class)).containsExactly(
        ended(1, 0, "w1", false), ended(0, 0, "w0", true), ended(2, 0, "w2", true));
    assertThat(effects(r, Effect.TaskChanged.class)).containsExactly(
        changed(1, RUNNING, FAILED, 0, "w1", "boom"),
        changed(0, RUNNING, FAILED, 0, "w0", why),
        changed(2, RUNNING, FAILED, 0, "w2", why));
    assertThat(d.job.state()).isEqualTo(JobState.FAILED);
    for (int i = 0; i < 3; i++) {
      assertThat(d.task(i).activeWorkerId()).isNull();
    }
    assertThat(d.task(0).error()).isEqualTo(why);
  }

  @Test
  void theCascadeOfALargeGangNamesTheFailedMemberAndEndsEachSiblingOnce() {
    int n = JobSpec.MAX_REPLICAS;
    Job job = Fixtures.submit(gang(n, 0, 0, 100));
    for (int i = 0; i < n; i++) {
      job.assign(i, "w" + i, 1_000);
    }
    Job.Result r = job.report(n - 1, 0, FAILED, 1, "boom", null, 2_000);
    assertThat(effects(r, Effect.AttemptEnded.class)).hasSize(n)
        .extracting(e -> e.task().index()).doesNotHaveDuplicates();
    assertThat(effects(r, Effect.TaskChanged.class)).hasSize(n)
        .filteredOn(c -> c.task().index() != n - 1)
        .allSatisfy(c -> assertThat(c.message()).isEqualTo("coscheduled sibling task-9999 failed"));
    assertThat(job.count(FAILED)).isEqualTo(n);
  }

  @Test
  void aGangWithRetriesRestartsAsAWhole() {
    Driver d = new Driver(gang(3, 0, 1, 100));
    d.runningAll();
    Job.Result r = d.fail(0, "boom");
    assertThat(effects(r, Effect.AttemptEnded.class)).containsExactly(
        ended(0, 0, "w0", false), ended(1, 0, "w1", true), ended(2, 0, "w2", true));
    assertThat(effects(r, Effect.Enqueued.class)).containsExactly(enqueued(0), enqueued(1), enqueued(2));
    assertThat(effects(r, Effect.JobChanged.class)).isEmpty();
    for (int i = 0; i < 3; i++) {
      assertThat(d.task(i).state()).isEqualTo(PENDING);
      assertThat(d.task(i).failureCount()).as("a gang restart counts for every member").isEqualTo(1);
    }
    assertThat(d.job.state()).isEqualTo(JobState.RUNNING);

    d.runningAll();
    for (int i = 0; i < 3; i++) {
      d.report(i, SUCCEEDED);
    }
    assertThat(d.job.state()).isEqualTo(JobState.SUCCEEDED);
  }

  @Test
  void aPreemptedGangMemberPreemptsItsSiblings() {
    Driver d = new Driver(gang(2, 0, 0, 100));
    d.runningAll();
    Job.Result r = d.workerFailed(0);
    assertThat(effects(r, Effect.AttemptEnded.class))
        .containsExactly(ended(0, 0, "w0", false), ended(1, 0, "w1", true));
    assertThat(effects(r, Effect.TaskChanged.class)).extracting(Effect.TaskChanged::to)
        .containsExactly(PENDING, PENDING);
    assertThat(d.task(1).preemptionCount()).isEqualTo(1);
    assertThat(d.task(1).failureCount()).isZero();
    assertThat(d.job.state()).isEqualTo(JobState.RUNNING);
  }

  @Test
  void aGangDeliveryFailureRequeuesActiveSiblingsForFreeAndSkipsFinishedOnes() {
    Driver d = new Driver(gang(3, 0, 0, 100));
    d.runningAll();
    d.report(2, SUCCEEDED);
    d.workerFailed(1); // task 1 preempted: the gang (task 0) restarts with it
    assertThat(d.task(0).state()).isEqualTo(PENDING);
    d.assign(0, "w3");
    d.assign(1, "w4");
    int preemptions = d.task(0).preemptionCount();

    Job.Result r = d.deliveryFailed(1); // task 1 never reached w4: task 0 must not run alone
    assertThat(effects(r, Effect.AttemptEnded.class)).contains(ended(0, 1, "w3", true));
    assertThat(d.task(0).state()).isEqualTo(PENDING);
    assertThat(d.task(1).state()).isEqualTo(PENDING);
    assertThat(d.task(0).preemptionCount()).isEqualTo(preemptions);
    assertThat(d.task(0).failureCount()).isZero();
    assertThat(d.task(2).state()).isEqualTo(SUCCEEDED);
  }

  @Test
  void withoutAGangAFailureLeavesSiblingsAlone() {
    Driver d = new Driver(spec(3, 2, 0, 100));
    d.runningAll();
    Job.Result r = d.fail(0, "boom");
    assertThat(effects(r, Effect.AttemptEnded.class)).containsExactly(ended(0, 0, "w0", false));
    assertThat(d.task(1).state()).isEqualTo(RUNNING);
    assertThat(d.task(2).state()).isEqualTo(RUNNING);
    Job.Result p = d.workerFailed(1);
    assertThat(effects(p, Effect.AttemptEnded.class)).containsExactly(ended(1, 0, "w1", false));
    assertThat(d.task(2).state()).isEqualTo(RUNNING);
    assertThat(d.task(1).state()).isEqualTo(PENDING);
  }
}
