package dev.iris.controller.state;

import static dev.iris.controller.state.Store.spec;
import static dev.iris.core.TaskState.ASSIGNED;
import static dev.iris.core.TaskState.BUILDING;
import static dev.iris.core.TaskState.FAILED;
import static dev.iris.core.TaskState.PENDING;
import static dev.iris.core.TaskState.RUNNING;
import static dev.iris.core.TaskState.SUCCEEDED;
import static dev.iris.core.TaskState.UNSCHEDULABLE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.controller.state.ClusterState.AttemptReport;
import dev.iris.core.JobState;
import dev.iris.core.TaskAttempt;
import dev.iris.core.TaskId;
import dev.iris.core.TaskState;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Worker reports are checked against the current attempt; stale, foreign and duplicate ones change nothing. */
class ReportsTest {
  private final Store s = new Store();

  /** Task j/task-0 failed once on w1 (attempt 0) and was retried onto w2 (attempt 1), now RUNNING. */
  private void retriedOntoW2() {
    s.worker("w1", 1).worker("w2", 1);
    s.submit(spec("j").retries(1, 0));
    s.schedule();
    assertThat(s.placements()).isEqualTo(Map.of("j/task-0", "w1"));
    s.submit("filler", 1, 1); // queued before the retry: takes w1 again, so the retry goes to w2
    s.report("j/task-0", FAILED);
    s.schedule();
    assertThat(s.placements()).isEqualTo(Map.of("filler/task-0", "w1", "j/task-0", "w2"));
    s.report("j/task-0", RUNNING);
    s.drain();
  }

  private void assertUnchanged(long ignoredBefore, boolean accepted) {
    assertThat(accepted).isFalse();
    assertThat(s.state.ignoredReports()).isEqualTo(ignoredBefore + 1);
    assertThat(s.taskState("j/task-0")).isEqualTo(RUNNING);
    assertThat(s.task("j/task-0").currentAttemptId()).isEqualTo(1);
    assertThat(s.task("j/task-0").failureCount()).isEqualTo(1);
    assertThat(s.holdings("w2")).containsExactly("j/task-0#1");
    assertThat(s.state.outbox().isEmpty()).isTrue();
  }

  @Test
  void aReportForAnOldAttemptIsIgnored() {
    retriedOntoW2();
    long ignored = s.state.ignoredReports();

    // the old worker's late report about attempt 0: ignored, even a terminal one
    assertUnchanged(ignored, s.report("w1", "j/task-0", 0, SUCCEEDED));
    assertUnchanged(ignored + 1, s.report("w1", "j/task-0", 0, FAILED));
    assertThat(s.task("j/task-0").attempts().get(0).state()).isEqualTo(FAILED);
    s.assertConsistent();
  }

  @Test
  void aReportForAnAttemptFromAnotherWorkerIsIgnored() {
    retriedOntoW2();
    long ignored = s.state.ignoredReports();

    assertUnchanged(ignored, s.report("w1", "j/task-0", 1, FAILED));
    assertUnchanged(ignored + 1, s.report("w9", "j/task-0", 1, SUCCEEDED));
    s.assertConsistent();
  }

  @Test
  void aReportForAFutureAttemptIsIgnored() {
    retriedOntoW2();
    long ignored = s.state.ignoredReports();

    assertUnchanged(ignored, s.report("w2", "j/task-0", 2, SUCCEEDED));
  }

  @Test
  void aDuplicateTerminalReportIsIgnored() {
    s.worker("w1", 2);
    s.submit(spec("j").replicas(2));
    s.schedule();
    s.report("j/task-0", RUNNING);
    assertThat(s.report("w1", "j/task-0", 0, SUCCEEDED)).isTrue();
    s.drain();
    long ignored = s.state.ignoredReports();

    assertThat(s.report("w1", "j/task-0", 0, SUCCEEDED)).isFalse();
    assertThat(s.report("w1", "j/task-0", 0, FAILED)).isFalse();
    assertThat(s.report("w1", "j/task-0", 0, RUNNING)).isFalse();

    assertThat(s.state.ignoredReports()).isEqualTo(ignored + 3);
    assertThat(s.taskState("j/task-0")).isEqualTo(SUCCEEDED);
    assertThat(s.task("j/task-0").failureCount()).isZero();
    assertThat(s.counts("j")).isEqualTo(Map.of(SUCCEEDED, 1, ASSIGNED, 1));
    assertThat(s.holdings("w1")).containsExactly("j/task-1#0");
    assertThat(s.committedCpu("w1")).isEqualTo(1);
    assertThat(s.state.outbox().isEmpty()).isTrue();
  }

  @Test
  void aDuplicateFailureDoesNotSpendASecondRetry() {
    s.worker("w1", 1);
    s.submit(spec("j").retries(3, 0));
    s.schedule();
    s.report("w1", "j/task-0", 0, FAILED);

    s.report("w1", "j/task-0", 0, FAILED);
    s.report("w1", "j/task-0", 0, FAILED);

    assertThat(s.task("j/task-0").failureCount()).isEqualTo(1);
    assertThat(s.taskState("j/task-0")).isEqualTo(PENDING);
    assertThat(s.state.ignoredReports()).isEqualTo(2);
  }

  @Test
  void reportsThatWouldMoveATaskBackAreIgnored() {
    s.worker("w1", 1);
    s.submit("j", 1, 1);
    s.schedule();
    s.report("j/task-0", RUNNING);
    long ignored = s.state.ignoredReports();

    assertThat(s.report("j/task-0", BUILDING)).isFalse();
    assertThat(s.report("j/task-0", PENDING)).isFalse();
    assertThat(s.report("j/task-0", ASSIGNED)).isFalse();
    assertThat(s.report("j/task-0", UNSCHEDULABLE)).isFalse();

    assertThat(s.taskState("j/task-0")).isEqualTo(RUNNING);
    assertThat(s.state.ignoredReports()).isEqualTo(ignored + 4);
  }

  @Test
  void aPendingReportNeverMovesATaskOutOfAssigned() {
    s.worker("w1", 1);
    s.submit("j", 1, 1);
    s.schedule();

    assertThat(s.report("j/task-0", PENDING)).isFalse();

    assertThat(s.taskState("j/task-0")).isEqualTo(ASSIGNED);
    assertThat(s.holdings("w1")).containsExactly("j/task-0#0");
  }

  @Test
  void aRepeatedRunningReportOnlyRefreshesWhatTheWorkerObserved() {
    s.worker("w1", 1);
    s.submit("j", 1, 1);
    s.schedule();
    s.report("j/task-0", RUNNING);
    s.drain();

    TaskAttempt.Observation seen = new TaskAttempt.Observation(Map.of("http", 30001),
        new TaskAttempt.Usage(512, 600, 50, 500, 3, 10), 0, 0, false);
    assertThat(s.state.report("w1", new AttemptReport(TaskId.parse("j/task-0"), 0, RUNNING, 0, "", seen), s.now))
        .isTrue();

    assertThat(s.task("j/task-0").currentAttempt().observation().ports()).isEqualTo(Map.of("http", 30001));
    assertThat(s.task("j/task-0").currentAttempt().observation().usage().memoryMb()).isEqualTo(512);
    assertThat(s.drain().events()).isEmpty(); // no state changed
  }

  @Test
  void reportsForUnknownJobsAndTasksAreIgnored() {
    s.worker("w1", 1);
    s.submit("j", 1, 1);
    s.schedule();

    assertThat(s.report("w1", "nope/task-0", 0, SUCCEEDED)).isFalse();
    assertThat(s.report("w1", "j/task-5", 0, SUCCEEDED)).isFalse();

    assertThat(s.state.ignoredReports()).isEqualTo(2);
    assertThat(s.taskState("j/task-0")).isEqualTo(ASSIGNED);
  }

  @Test
  void aReportForAFinishedJobIsIgnored() {
    s.worker("w1", 2);
    s.submit(spec("j").replicas(2));
    s.schedule();
    s.state.terminate(s.job("j").id(), "user", s.now);
    long ignored = s.state.ignoredReports();

    for (TaskState st : new TaskState[] {RUNNING, SUCCEEDED, FAILED}) {
      assertThat(s.report("w1", "j/task-0", 0, st)).isFalse();
    }

    assertThat(s.state.ignoredReports()).isEqualTo(ignored + 3);
    assertThat(s.jobState("j")).isEqualTo(JobState.KILLED);
    assertThat(s.holdings("w1")).isEmpty();
  }
}
