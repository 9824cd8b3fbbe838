package dev.iris.controller.state;

import static dev.iris.controller.state.Store.commands;
import static dev.iris.controller.state.Store.jobEvents;
import static dev.iris.controller.state.Store.spec;
import static dev.iris.controller.state.Store.taskEvents;
import static dev.iris.core.TaskState.ASSIGNED;
import static dev.iris.core.TaskState.BUILDING;
import static dev.iris.core.TaskState.FAILED;
import static dev.iris.core.TaskState.PENDING;
import static dev.iris.core.TaskState.RUNNING;
import static dev.iris.core.TaskState.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.controller.state.ClusterState.Drained;
import dev.iris.controller.state.WorkerInstruction.RunTask;
import dev.iris.core.JobState;
import dev.iris.core.TaskAttempt;
import dev.iris.core.TaskState;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A job's way through the store: submitted, assigned, run, retried, finished; FIFO queue order. */
class LifecycleTest {
  private final Store s = new Store();

  @Test
  void submittedJobIsPendingAndNothingIsSentBeforeAPlanIsCommitted() {
    s.worker("w1", 4);
    s.drain();

    s.submit("train", 2, 1);

    assertThat(s.jobState("train")).isEqualTo(JobState.PENDING);
    assertThat(s.counts("train")).isEqualTo(Map.of(PENDING, 2));
    Drained d = s.drain();
    assertThat(d.commands()).isEmpty();
    assertThat(d.wakeScheduler()).isTrue();
    assertThat(d.events()).extracting(StoreEvent::kind).containsExactly(StoreEvent.Kind.JOB_SUBMITTED);
    assertThat(s.committedCpu("w1")).isZero();

    s.plan(); // a plan that is not committed changes nothing
    assertThat(s.state.outbox().isEmpty()).isTrue();
    assertThat(s.counts("train")).isEqualTo(Map.of(PENDING, 2));
  }

  @Test
  void successfulJobGoesAssignedRunningSucceededAndReleasesItsResources() {
    s.worker("w1", 4);
    s.submit("train", 2, 1);
    s.drain();

    assertThat(s.schedule()).isEqualTo(2);

    // ASSIGNED is committed (attempt created, resources reserved) and only then is RunTask queued
    assertThat(s.counts("train")).isEqualTo(Map.of(ASSIGNED, 2));
    assertThat(s.jobState("train")).isEqualTo(JobState.RUNNING);
    assertThat(s.holdings("w1")).containsExactly("train/task-0#0", "train/task-1#0");
    assertThat(s.committedCpu("w1")).isEqualTo(2);
    Drained assigned = s.drain();
    assertThat(taskEvents(assigned)).containsExactly("train/task-0 ASSIGNED", "train/task-1 ASSIGNED");
    assertThat(jobEvents(assigned)).containsExactly("train RUNNING");
    assertThat(commands(assigned)).containsExactly("Run train/task-0#0@w1", "Run train/task-1#0@w1");
    RunTask run = (RunTask) assigned.commands().get(0);
    assertThat(run.address()).isEqualTo("host-w1:10001");
    assertThat(run.numTasks()).isEqualTo(2);
    assertThat(run.spec()).isEqualTo(s.job("train").spec());
    // the events that committed the assignment are numbered before anything is sent
    assertThat(assigned.events().get(0).sequence()).isGreaterThan(0);

    assertThat(s.report("train/task-0", BUILDING)).isTrue();
    assertThat(s.report("train/task-0", RUNNING)).isTrue();
    assertThat(s.report("train/task-1", RUNNING)).isTrue();
    assertThat(s.counts("train")).isEqualTo(Map.of(RUNNING, 2));
    assertThat(s.task("train/task-0").currentAttempt().state()).isEqualTo(RUNNING);

    s.at(2_000);
    assertThat(s.report("train/task-0", SUCCEEDED)).isTrue();
    assertThat(s.jobState("train")).isEqualTo(JobState.RUNNING);
    assertThat(s.holdings("w1")).containsExactly("train/task-1#0");
    assertThat(s.committedCpu("w1")).isEqualTo(1);

    s.at(3_000);
    assertThat(s.report("train/task-1", SUCCEEDED)).isTrue();

    assertThat(s.jobState("train")).isEqualTo(JobState.SUCCEEDED);
    assertThat(s.counts("train")).isEqualTo(Map.of(SUCCEEDED, 2));
    assertThat(s.job("train").finishedAtMs()).isEqualTo(3_000);
    assertThat(s.holdings("w1")).isEmpty();
    assertThat(s.w("w1").free()).isEqualTo(s.w("w1").capacity());
    Drained done = s.drain();
    assertThat(taskEvents(done)).containsExactly(
        "train/task-0 BUILDING", "train/task-0 RUNNING", "train/task-1 RUNNING",
        "train/task-0 SUCCEEDED", "train/task-1 SUCCEEDED");
    assertThat(jobEvents(done)).containsExactly("train SUCCEEDED");
    assertThat(done.commands()).isEmpty(); // a task that ended by itself is not killed
    assertThat(done.wakeScheduler()).isTrue(); // capacity was released
    assertThat(s.state.schedulingInput().queue()).isEmpty();
    s.assertConsistent();
  }

  @Test
  void failureWithoutRetriesFailsTheTaskAndTheJob() {
    s.worker("w1", 4);
    s.submit("train", 1, 2);
    s.schedule();
    s.report("train/task-0", RUNNING);
    s.drain();

    assertThat(s.report("train/task-0", FAILED, 3)).isTrue();

    assertThat(s.taskState("train/task-0")).isEqualTo(FAILED);
    assertThat(s.task("train/task-0").exitCode()).isEqualTo(3);
    assertThat(s.task("train/task-0").failureCount()).isEqualTo(1);
    assertThat(s.jobState("train")).isEqualTo(JobState.FAILED);
    assertThat(s.job("train").error()).contains("task-0");
    assertThat(s.job("train").failureCount()).isEqualTo(1);
    assertThat(s.job("train").preemptionCount()).isZero();
    assertThat(s.committedCpu("w1")).isZero();
    Drained d = s.drain();
    assertThat(taskEvents(d)).containsExactly("train/task-0 FAILED");
    assertThat(jobEvents(d)).containsExactly("train FAILED");
    assertThat(d.commands()).isEmpty();
    s.assertConsistent();
  }

  @Test
  void failureWithRetriesRequeuesWithANewAttemptUntilTheBudgetIsSpent() {
    s.worker("w1", 4);
    s.submit(spec("train").cpu(2).retries(2, 100));

    for (int attempt = 0; attempt < 3; attempt++) {
      assertThat(s.schedule()).isEqualTo(1);
      Drained d = s.drain();
      assertThat(commands(d)).containsExactly("Run train/task-0#" + attempt + "@w1");
      s.report("train/task-0", RUNNING);
      s.report("train/task-0", FAILED);
      assertThat(s.committedCpu("w1")).isZero();
      s.assertConsistent();
      if (attempt < 2) {
        assertThat(s.taskState("train/task-0")).isEqualTo(PENDING);
        assertThat(s.jobState("train")).isEqualTo(JobState.RUNNING);
        assertThat(s.task("train/task-0").failureCount()).isEqualTo(attempt + 1);
        assertThat(taskEvents(s.drain())).endsWith("train/task-0 PENDING");
      }
    }

    assertThat(s.taskState("train/task-0")).isEqualTo(FAILED);
    assertThat(s.jobState("train")).isEqualTo(JobState.FAILED);
    assertThat(s.task("train/task-0").attempts()).extracting(TaskAttempt::state)
        .containsExactly(FAILED, FAILED, FAILED);
    assertThat(s.task("train/task-0").preemptionCount()).isZero();
    assertThat(s.state.schedulingInput().queue()).isEmpty();
  }

  @Test
  void aRetryThatSucceedsFinishesTheJob() {
    s.worker("w1", 4);
    s.submit(spec("train").retries(1, 0));
    s.schedule();
    s.report("train/task-0", FAILED);
    assertThat(s.schedule()).isEqualTo(1);
    s.runAndSucceed("train/task-0");

    assertThat(s.jobState("train")).isEqualTo(JobState.SUCCEEDED);
    assertThat(s.task("train/task-0").currentAttemptId()).isEqualTo(1);
    assertThat(s.task("train/task-0").failureCount()).isEqualTo(1);
    s.assertConsistent();
  }

  @Test
  void queueIsFifoBySubmissionAndARetryGoesToTheBack() {
    s.worker("w1", 1); // room for one task at a time
    s.submit(spec("a").retries(1, 0));
    s.submit("b", 1, 1);
    s.submit("c", 1, 1);

    s.schedule();
    assertThat(s.placements()).isEqualTo(Map.of("a/task-0", "w1"));
    assertThat(s.job("b").pendingReason()).isNotEmpty();

    s.report("a/task-0", FAILED); // retried: behind b and c, which were submitted after it
    s.schedule();
    assertThat(s.placements()).isEqualTo(Map.of("b/task-0", "w1"));

    s.runAndSucceed("b/task-0");
    s.schedule();
    assertThat(s.placements()).isEqualTo(Map.of("c/task-0", "w1"));

    s.runAndSucceed("c/task-0");
    s.schedule();
    assertThat(s.placements()).isEqualTo(Map.of("a/task-0", "w1"));
    assertThat(s.task("a/task-0").currentAttemptId()).isEqualTo(1);
  }

  @Test
  void aRetryGoesBehindTheRestOfItsOwnJob() {
    s.worker("w1", 1);
    s.submit(spec("a").replicas(3).retries(1, 0));

    s.schedule();
    assertThat(s.placements()).isEqualTo(Map.of("a/task-0", "w1"));
    s.report("a/task-0", FAILED);

    s.schedule();
    assertThat(s.placements()).isEqualTo(Map.of("a/task-1", "w1"));
    s.runAndSucceed("a/task-1");
    s.schedule();
    assertThat(s.placements()).isEqualTo(Map.of("a/task-2", "w1"));
    s.runAndSucceed("a/task-2");
    s.schedule();
    assertThat(s.placements()).isEqualTo(Map.of("a/task-0", "w1"));
    s.runAndSucceed("a/task-0");
    assertThat(s.jobState("a")).isEqualTo(JobState.SUCCEEDED);
  }

  @Test
  void aRetriedTaskIsOfferedToTheSchedulerOnce() {
    s.worker("w1", 1);
    s.worker("w2", 1);
    s.submit(spec("a").replicas(2).retries(1, 0));
    s.schedule(); // both placed, no pass in between that would drop them from the queue
    s.report("a/task-0", FAILED);

    assertThat(s.state.schedulingInput().queue())
        .extracting(r -> r.job() + java.util.Arrays.toString(r.taskIndices()))
        .containsExactly("a[0]");
    s.assertConsistent();
  }

  @Test
  void waitingTasksCarryThePendingReasonOfTheLastPass() {
    s.worker("w1", 4);
    s.submit("big", 1, 8);
    s.submit("small", 3, 2);

    assertThat(s.schedule()).isEqualTo(2);

    assertThat(s.job("big").pendingReason()).isEqualTo("no worker has 8 cpu free");
    assertThat(s.job("small").pendingReason()).isEqualTo("no worker has 2 cpu free");
    assertThat(s.counts("small")).isEqualTo(Map.of(ASSIGNED, 2, PENDING, 1));

    s.runAndSucceed("small/task-0");
    s.schedule();
    assertThat(s.counts("small")).isEqualTo(Map.of(SUCCEEDED, 1, ASSIGNED, 2));
    assertThat(s.job("small").pendingReason()).isEmpty();
  }

  @Test
  void perStateCountsFollowEveryTransition() {
    s.worker("w1", 8);
    s.submit(spec("j").replicas(4).maxTaskFailures(1));
    s.schedule();
    s.report("j/task-0", BUILDING);
    s.report("j/task-1", RUNNING);
    s.report("j/task-2", FAILED);

    assertThat(s.counts("j")).isEqualTo(Map.of(BUILDING, 1, RUNNING, 1, FAILED, 1, ASSIGNED, 1));
    for (TaskState st : TaskState.values()) {
      assertThat(s.job("j").count(st)).isEqualTo(
          (int) s.job("j").tasks().stream().filter(t -> t.state() == st).count());
    }
    s.assertConsistent();
  }
}
