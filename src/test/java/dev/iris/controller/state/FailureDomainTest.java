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
import static dev.iris.core.TaskState.WORKER_FAILED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.controller.state.ClusterState.Drained;
import dev.iris.core.JobState;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code max_task_failures}: the failure domain of a job, and what does not count toward it. */
class FailureDomainTest {
  private final Store s = new Store();

  /** Three tasks of 1 cpu, one per worker; tasks 0 and 1 RUNNING, task 2 still ASSIGNED. */
  private void threeReplicas(int maxTaskFailures) {
    s.worker("w1", 1).worker("w2", 1).worker("w3", 1);
    s.submit(spec("j").replicas(3).maxTaskFailures(maxTaskFailures));
    assertThat(s.schedule()).isEqualTo(3);
    s.report("j/task-0", RUNNING);
    s.report("j/task-1", RUNNING);
    assertThat(s.placements()).isEqualTo(Map.of("j/task-0", "w1", "j/task-1", "w2", "j/task-2", "w3"));
    s.drain();
  }

  @Test
  void withNoToleranceOneFailureFailsTheJobAndKillsTheOthers() {
    threeReplicas(0);

    s.report("j/task-1", FAILED);

    assertThat(s.jobState("j")).isEqualTo(JobState.FAILED);
    assertThat(s.counts("j")).isEqualTo(Map.of(FAILED, 1, KILLED, 2));
    assertThat(s.job("j").error()).startsWith("task-1");
    Drained d = s.drain();
    // the active siblings are killed on their workers: the RUNNING one and the one still ASSIGNED
    assertThat(commands(d)).containsExactlyInAnyOrder("Kill j/task-0#0@w1", "Kill j/task-2#0@w3");
    assertThat(jobEvents(d)).containsExactly("j FAILED");
    for (String w : new String[] {"w1", "w2", "w3"}) {
      assertThat(s.holdings(w)).as(w).isEmpty();
      assertThat(s.committedCpu(w)).as(w).isZero();
    }
    assertThat(s.task("j/task-0").error()).contains("job failed");
    assertThat(s.state.actions().newest(1)).extracting(ActionLog.Action::action)
        .containsExactly("failure domain triggered");

    // the killed attempts' own reports, arriving afterwards, change nothing
    long ignored = s.state.ignoredReports();
    assertThat(s.report("w1", "j/task-0", 0, KILLED)).isFalse();
    assertThat(s.state.ignoredReports()).isEqualTo(ignored + 1);
    assertThat(s.jobState("j")).isEqualTo(JobState.FAILED);
    s.assertConsistent();
  }

  @Test
  void aFailureDomainAlsoKillsTasksStillPending() {
    s.worker("w1", 1);
    s.submit(spec("j").replicas(3));
    s.schedule();

    s.report("j/task-0", FAILED);

    assertThat(s.counts("j")).isEqualTo(Map.of(FAILED, 1, KILLED, 2));
    assertThat(s.state.schedulingInput().queue()).isEmpty();
  }

  @Test
  void withToleranceOfOneTheJobSurvivesOneFailureAndSucceeds() {
    threeReplicas(1);

    s.report("j/task-1", FAILED);

    assertThat(s.jobState("j")).isEqualTo(JobState.RUNNING);
    assertThat(s.counts("j")).isEqualTo(Map.of(RUNNING, 1, FAILED, 1, ASSIGNED, 1));
    assertThat(s.drain().commands()).isEmpty();
    assertThat(s.committedCpu("w2")).isZero();

    s.report("j/task-0", SUCCEEDED);
    s.runAndSucceed("j/task-2");

    // every task finished: successes plus a tolerated failure
    assertThat(s.jobState("j")).isEqualTo(JobState.SUCCEEDED);
    assertThat(s.counts("j")).isEqualTo(Map.of(SUCCEEDED, 2, FAILED, 1));
    s.assertConsistent();
  }

  @Test
  void withToleranceOfOneTheSecondFailureFailsTheJob() {
    threeReplicas(1);

    s.report("j/task-1", FAILED);
    s.report("j/task-0", FAILED);

    assertThat(s.jobState("j")).isEqualTo(JobState.FAILED);
    assertThat(s.counts("j")).isEqualTo(Map.of(FAILED, 2, KILLED, 1));
    assertThat(s.job("j").error()).contains("more than 1 tasks failed");
    assertThat(commands(s.drain())).containsExactly("Kill j/task-2#0@w3");
    assertThat(s.committedCpu("w3")).isZero();
    s.assertConsistent();
  }

  @Test
  void aFailureWithRetriesLeftIsNotATerminalFailure() {
    s.worker("w1", 1).worker("w2", 1).worker("w3", 1);
    s.submit(spec("j").replicas(3).retries(1, 0));
    s.schedule();

    s.report("j/task-1", FAILED);

    assertThat(s.jobState("j")).isEqualTo(JobState.RUNNING);
    assertThat(s.counts("j")).isEqualTo(Map.of(ASSIGNED, 2, PENDING, 1));
  }

  @Test
  void preemptionsNeverCountTowardMaxTaskFailures() {
    s.worker("w1", 1).worker("w2", 1).worker("w3", 1);
    s.submit(spec("j").replicas(3).maxTaskFailures(0).retries(0, 1));
    s.schedule();
    s.report("j/task-0", RUNNING);

    // a preemption with budget left: requeued, and the job goes on
    s.report("j/task-0", WORKER_FAILED);
    assertThat(s.taskState("j/task-0")).isEqualTo(PENDING);
    assertThat(s.jobState("j")).isEqualTo(JobState.RUNNING);
    s.schedule();
    assertThat(s.task("j/task-0").currentAttemptId()).isEqualTo(1);

    // a preemption that spends the budget: WORKER_FAILED for good, still no failure domain
    s.report("j/task-0", WORKER_FAILED);
    assertThat(s.taskState("j/task-0")).isEqualTo(WORKER_FAILED);
    assertThat(s.jobState("j")).isEqualTo(JobState.RUNNING);
    assertThat(s.task("j/task-0").failureCount()).isZero();
    assertThat(s.task("j/task-0").preemptionCount()).isEqualTo(2);
    assertThat(s.job("j").failureCount()).isZero();
    assertThat(s.drain().commands()).extracting(Store::describe).noneMatch(c -> c.startsWith("Kill"));

    // the others finish; a job whose tasks all ended, some WORKER_FAILED, ends WORKER_FAILED (never hangs)
    s.runAndSucceed("j/task-1");
    s.runAndSucceed("j/task-2");
    assertThat(s.jobState("j")).isEqualTo(JobState.WORKER_FAILED);
    assertThat(s.counts("j")).isEqualTo(Map.of(SUCCEEDED, 2, WORKER_FAILED, 1));
    s.assertConsistent();
  }

  @Test
  void aKilledReportFromTheWorkerIsAPreemptionNotAFailure() {
    s.worker("w1", 1);
    s.submit(spec("j").replicas(1).retries(0, 1));
    s.schedule();
    s.report("j/task-0", RUNNING);

    s.report("j/task-0", KILLED);

    assertThat(s.taskState("j/task-0")).isEqualTo(PENDING);
    assertThat(s.task("j/task-0").preemptionCount()).isEqualTo(1);
    assertThat(s.task("j/task-0").failureCount()).isZero();
    assertThat(s.task("j/task-0").attempts().get(0).isWorkerFailure()).isTrue();
    assertThat(s.committedCpu("w1")).isZero();
  }
}
