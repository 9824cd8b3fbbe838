package dev.iris.controller.state;

import static dev.iris.controller.state.Store.commands;
import static dev.iris.controller.state.Store.jobEvents;
import static dev.iris.controller.state.Store.spec;
import static dev.iris.core.TaskState.ASSIGNED;
import static dev.iris.core.TaskState.FAILED;
import static dev.iris.core.TaskState.KILLED;
import static dev.iris.core.TaskState.PENDING;
import static dev.iris.core.TaskState.RUNNING;
import static dev.iris.core.TaskState.SUCCEEDED;
import static dev.iris.core.TaskState.UNSCHEDULABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iris.controller.state.ClusterState.Drained;
import dev.iris.core.Job;
import dev.iris.core.JobId;
import dev.iris.core.JobState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Submission rules, user termination with its cascade to child jobs, and scheduling timeouts. */
class JobsTest {
  private final Store s = new Store();

  private static JobId id(String value) {
    return JobId.of(value);
  }

  // ------------------------------------------------------------------ submit

  @Test
  void submittingTheIdOfARunningJobIsAlreadyExists() {
    s.submit("train", 1, 1);

    assertThatThrownBy(() -> s.submit("train", 2, 1))
        .isInstanceOfSatisfying(StoreException.class,
            e -> assertThat(e.code()).isEqualTo(StoreException.Code.ALREADY_EXISTS))
        .hasMessageContaining("train");
    assertThat(s.job("train").numTasks()).isEqualTo(1);
    assertThat(s.state.jobs()).hasSize(1);
  }

  @Test
  void aFinishedJobsIdCanBeSubmittedAgain() {
    s.worker("w1", 4);
    Job first = s.submit("train", 1, 1);
    s.schedule();
    s.runAndSucceed("train/task-0");
    s.drain();

    Job second = s.submit("train", 3, 1);

    assertThat(second).isNotSameAs(first);
    assertThat(s.job("train")).isSameAs(second);
    assertThat(s.counts("train")).isEqualTo(Map.of(PENDING, 3));
    assertThat(s.jobState("train")).isEqualTo(JobState.PENDING);
    assertThat(s.state.jobs()).hasSize(1);
    assertThat(s.schedule()).isEqualTo(3);
    // attempt ids continue past the old job's (it used #0), so its attempts can never pass for the new ones
    assertThat(s.holdings("w1")).containsExactly("train/task-0#1", "train/task-1#1", "train/task-2#1");
    s.assertConsistent();
  }

  @Test
  void aChildOfAnUnknownParentIsNotFound() {
    assertThatThrownBy(() -> s.submit("nope/child", 1, 1))
        .isInstanceOfSatisfying(StoreException.class,
            e -> assertThat(e.code()).isEqualTo(StoreException.Code.NOT_FOUND))
        .hasMessageContaining("nope");
    assertThat(s.state.jobs()).isEmpty();
  }

  @Test
  void aChildOfAFinishedParentIsAFailedPrecondition() {
    s.submit("parent", 1, 1);
    s.state.terminate(id("parent"), "user", s.now);

    assertThatThrownBy(() -> s.submit("parent/child", 1, 1))
        .isInstanceOfSatisfying(StoreException.class,
            e -> assertThat(e.code()).isEqualTo(StoreException.Code.FAILED_PRECONDITION))
        .hasMessageContaining("parent");
    assertThat(s.state.job(id("parent/child"))).isEmpty();
  }

  @Test
  void childrenAreListedUnderTheirParent() {
    s.submit("p", 1, 1);
    s.submit("p/a", 1, 1);
    s.submit("p/b", 1, 1);
    s.submit("p/a/x", 1, 1);

    assertThat(s.state.childrenOf(id("p"))).containsExactly(id("p/a"), id("p/b"));
    assertThat(s.state.childrenOf(id("p/a"))).containsExactly(id("p/a/x"));
  }

  @Test
  void aResubmittedChildIsListedOnceUnderItsParent() {
    s.submit("p", 1, 1);
    s.submit("p/a", 1, 1);
    s.state.terminate(id("p/a"), "user", s.now);

    s.submit("p/a", 1, 1);

    assertThat(s.state.childrenOf(id("p"))).containsExactly(id("p/a"));
  }

  @Test
  void resubmittingAFinishedParentStopsItsChildrenStillRunning() {
    s.worker("w1", 4);
    s.submit("p", 1, 1);
    s.submit("p/child", 1, 2);
    s.schedule();
    s.report("p/child/task-0", RUNNING);
    s.runAndSucceed("p/task-0"); // the parent ends; its child runs on
    assertThat(s.jobState("p")).isEqualTo(JobState.SUCCEEDED);
    assertThat(s.jobState("p/child")).isEqualTo(JobState.RUNNING);
    s.drain();

    s.submit("p", 1, 1);

    // the old child's attempt must not keep its 2 cpu reserved by a job the store forgot
    assertThat(s.holdings("w1")).isEmpty();
    assertThat(s.committedCpu("w1")).isZero();
    assertThat(commands(s.drain())).containsExactly("Kill p/child/task-0#0@w1");
    assertThat(s.state.job(id("p/child"))).isEmpty();
    s.assertConsistent();
  }

  @Test
  void aResubmittedJobContinuesTheAttemptNumbersSoTheOldJobsAttemptsCannotPassForItsOwn() {
    s.worker("w1", 4);
    s.submit(spec("j").replicas(2).retries(1, 100));
    s.schedule();
    s.report("j/task-0", FAILED, 1); // task-0 retries: attempts 0 and 1
    s.schedule();
    s.runAndSucceed("j/task-0");
    s.runAndSucceed("j/task-1");
    assertThat(s.jobState("j")).isEqualTo(JobState.SUCCEEDED);
    s.drain();

    s.submit(spec("j").replicas(2));
    s.schedule();

    // both tasks start at attempt 2, one past every attempt id the old job used
    assertThat(commands(s.drain())).containsExactlyInAnyOrder("Run j/task-0#2@w1", "Run j/task-1#2@w1");
    // the worker still lists the old job's finished attempts: they leave the new ones alone
    s.heartbeat("w1", "j/task-0#0=FAILED", "j/task-0#1=SUCCEEDED", "j/task-1#0=SUCCEEDED",
        "j/task-0#2=ASSIGNED", "j/task-1#2=ASSIGNED");
    assertThat(s.counts("j")).isEqualTo(Map.of(ASSIGNED, 2));
    assertThat(s.report("w1", "j/task-1", 0, SUCCEEDED)).isFalse();
    assertThat(s.taskState("j/task-1")).isEqualTo(ASSIGNED);
    s.runAndSucceed("j/task-0");
    assertThat(s.task("j/task-0").attempts()).extracting(a -> a.attemptId()).containsExactly(2);
    s.assertConsistent();
  }

  // ------------------------------------------------------------------ terminate

  @Test
  void terminateKillsEveryTaskAndReleasesTheResources() {
    s.worker("w1", 2);
    s.submit(spec("j").replicas(3));
    s.schedule();
    s.report("j/task-0", RUNNING);
    s.drain();

    s.at(5_000);
    s.state.terminate(id("j"), "terminated by user", s.now);

    assertThat(s.jobState("j")).isEqualTo(JobState.KILLED);
    assertThat(s.job("j").error()).isEqualTo("terminated by user");
    assertThat(s.job("j").finishedAtMs()).isEqualTo(5_000);
    assertThat(s.counts("j")).isEqualTo(Map.of(KILLED, 3));
    assertThat(s.holdings("w1")).isEmpty();
    assertThat(s.committedCpu("w1")).isZero();
    Drained d = s.drain();
    // active attempts (RUNNING and ASSIGNED) are killed on the worker; the PENDING task never ran
    assertThat(commands(d)).containsExactly("Kill j/task-0#0@w1", "Kill j/task-1#0@w1");
    assertThat(d.commands()).allSatisfy(c -> assertThat(((WorkerInstruction.KillTask) c).graceMs()).isEqualTo(5_000));
    assertThat(jobEvents(d)).containsExactly("j KILLED");
    assertThat(s.state.schedulingInput().queue()).isEmpty();
    assertThat(s.state.actions().newest(5)).extracting(ActionLog.Action::action).contains("job killed");
    s.assertConsistent();
  }

  @Test
  void terminateCascadesToChildJobsAndReleasesTheirResources() {
    s.worker("w1", 8);
    s.submit("p", 1, 1);
    s.submit("p/a", 2, 1);
    s.submit("p/a/x", 1, 2);
    s.submit("p/b", 1, 1);
    s.submit("other", 1, 1);
    s.schedule();
    assertThat(s.committedCpu("w1")).isEqualTo(7);
    s.drain();

    s.state.terminate(id("p"), "user", s.now);

    for (String j : List.of("p", "p/a", "p/a/x", "p/b")) {
      assertThat(s.jobState(j)).as(j).isEqualTo(JobState.KILLED);
    }
    assertThat(s.job("p/a").error()).contains("parent job p was terminated");
    assertThat(s.jobState("other")).isEqualTo(JobState.RUNNING);
    assertThat(s.holdings("w1")).containsExactly("other/task-0#0");
    assertThat(s.committedCpu("w1")).isEqualTo(1);
    assertThat(commands(s.drain())).containsExactlyInAnyOrder("Kill p/task-0#0@w1", "Kill p/a/task-0#0@w1",
        "Kill p/a/task-1#0@w1", "Kill p/a/x/task-0#0@w1", "Kill p/b/task-0#0@w1");
    s.assertConsistent();
  }

  @Test
  void terminatingAFinishedJobStillStopsItsRunningChildren() {
    s.worker("w1", 8);
    s.submit("p", 1, 1);
    s.submit("p/a", 1, 1);
    s.schedule();
    s.runAndSucceed("p/task-0");
    s.drain();

    s.state.terminate(id("p"), "user", s.now);

    assertThat(s.jobState("p")).isEqualTo(JobState.SUCCEEDED); // a finished job never changes
    assertThat(s.jobState("p/a")).isEqualTo(JobState.KILLED);
    assertThat(s.holdings("w1")).isEmpty();
  }

  @Test
  void terminatingAnUnknownJobIsNotFoundAndAFinishedOneIsANoOp() {
    assertThatThrownBy(() -> s.state.terminate(id("nope"), "user", s.now))
        .isInstanceOfSatisfying(StoreException.class,
            e -> assertThat(e.code()).isEqualTo(StoreException.Code.NOT_FOUND));

    s.submit("j", 1, 1);
    s.state.terminate(id("j"), "user", s.now);
    s.drain();
    s.state.terminate(id("j"), "again", s.now);
    assertThat(s.state.outbox().isEmpty()).isTrue();
    assertThat(s.job("j").error()).isEqualTo("user");
  }

  @Test
  void aPlanForAJobKilledMeanwhileIsNotCommitted() {
    s.worker("w1", 4);
    s.submit("j", 2, 1);
    var plan = s.plan();
    s.state.terminate(id("j"), "user", s.now);
    s.drain();

    assertThat(s.state.commit(plan, s.now)).isZero();

    assertThat(s.drain().commands()).isEmpty();
    assertThat(s.holdings("w1")).isEmpty();
  }

  // ------------------------------------------------------------------ scheduling timeout

  @Test
  void aTaskPendingBeyondTheSchedulingTimeoutMakesTheJobUnschedulableAndTheRestIsKilled() {
    s.worker("w1", 2);
    s.submit(spec("j").replicas(3).cpu(1).schedulingTimeoutMs(10_000)); // at 1 000
    s.schedule();
    s.report("j/task-0", RUNNING);
    assertThat(s.counts("j")).isEqualTo(Map.of(RUNNING, 1, ASSIGNED, 1, PENDING, 1));
    s.drain();

    s.at(10_999);
    s.state.expireSchedulingTimeouts(s.now);
    assertThat(s.jobState("j")).isEqualTo(JobState.RUNNING);

    s.at(11_000);
    s.state.expireSchedulingTimeouts(s.now);

    assertThat(s.jobState("j")).isEqualTo(JobState.UNSCHEDULABLE);
    assertThat(s.counts("j")).isEqualTo(Map.of(UNSCHEDULABLE, 1, KILLED, 2));
    assertThat(s.task("j/task-2").error()).contains("scheduling timeout").contains("no worker has 1 cpu free");
    assertThat(s.job("j").error()).contains("task-2");
    assertThat(s.holdings("w1")).isEmpty();
    Drained d = s.drain();
    assertThat(commands(d)).containsExactly("Kill j/task-0#0@w1", "Kill j/task-1#0@w1");
    assertThat(jobEvents(d)).containsExactly("j UNSCHEDULABLE");
    s.assertConsistent();
  }

  @Test
  void theSchedulingTimeoutCountsFromTheLastRequeue() {
    s.worker("w1", 1);
    s.submit(spec("j").retries(1, 0).schedulingTimeoutMs(10_000));
    s.schedule();
    s.at(9_000);
    s.report("j/task-0", FAILED);

    s.at(12_000); // 11 s after submission, 3 s after the retry was queued
    s.state.expireSchedulingTimeouts(s.now);
    assertThat(s.taskState("j/task-0")).isEqualTo(PENDING);

    s.at(19_000);
    s.state.expireSchedulingTimeouts(s.now);
    assertThat(s.taskState("j/task-0")).isEqualTo(UNSCHEDULABLE);
  }

  @Test
  void jobsWithoutATimeoutWaitForever() {
    s.submit("j", 1, 1);

    s.at(Long.MAX_VALUE / 2);
    s.state.expireSchedulingTimeouts(s.now);

    assertThat(s.jobState("j")).isEqualTo(JobState.PENDING);
  }

  @Test
  void finishedTasksAreNotExpired() {
    s.worker("w1", 1);
    s.submit(spec("j").schedulingTimeoutMs(1_000));
    s.schedule();
    s.runAndSucceed("j/task-0");

    s.at(100_000);
    s.state.expireSchedulingTimeouts(s.now);

    assertThat(s.jobState("j")).isEqualTo(JobState.SUCCEEDED);
    assertThat(s.counts("j")).isEqualTo(Map.of(SUCCEEDED, 1));
  }
}
