package dev.iris.controller.state;

import static dev.iris.controller.state.Store.spec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.core.JobId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Finished jobs are forgotten after their time to live, or oldest first beyond a number of tasks. */
class JobRetentionTest {
  private static final long HOUR = 3_600_000;
  private final Store s = new Store(Store.CONFIG.withJobRetention(new StoreConfig.JobRetention(HOUR, 10)));

  private boolean known(String id) {
    return s.state.job(JobId.of(id)).isPresent();
  }

  private void finish(String id, int replicas) {
    s.submit(spec(id).replicas(replicas).cpu(0));
    s.state.terminate(JobId.of(id), "done", s.now);
  }

  @Test
  void aFinishedJobIsForgottenOnceItsTimeToLiveIsOverAndARunningOneNever() {
    s.worker("w1", 4);
    finish("old", 1);
    s.submit("running", 1, 1);
    s.schedule();

    s.advance(HOUR - 1);
    assertThat(s.state.forgetFinishedJobs(s.now)).isZero();
    assertThat(known("old")).isTrue();

    s.advance(1);
    assertThat(s.state.forgetFinishedJobs(s.now)).isEqualTo(1);
    assertThat(known("old")).isFalse();
    s.advance(10 * HOUR);
    s.state.forgetFinishedJobs(s.now);
    assertThat(known("running")).isTrue();
    s.assertConsistent();
  }

  @Test
  void beyondTheTaskBoundTheOldestFinishedJobsGoFirst() {
    finish("a", 4);
    s.advance(1);
    finish("b", 4);
    s.advance(1);
    finish("c", 4); // 12 finished tasks, 10 allowed

    assertThat(s.state.forgetFinishedJobs(s.now)).isEqualTo(1);
    assertThat(known("a")).isFalse();
    assertThat(known("b")).isTrue();
    assertThat(known("c")).isTrue();
  }

  @Test
  void aParentIsKeptWhileAChildJobStillRunsAndGoesWithItsChildren() {
    s.worker("w1", 4);
    s.submit("p", 1, 0);
    s.submit(spec("p/child").replicas(1).cpu(1));
    s.schedule();
    s.report("p/task-0", dev.iris.core.TaskState.RUNNING);
    s.report("p/task-0", dev.iris.core.TaskState.SUCCEEDED); // the parent's own task is done, its child runs on

    s.advance(2 * HOUR);
    s.state.forgetFinishedJobs(s.now);
    assertThat(known("p/child")).isTrue();

    s.state.terminate(JobId.of("p"), "done", s.now);
    s.advance(2 * HOUR);
    s.state.forgetFinishedJobs(s.now);
    assertThat(known("p")).isFalse();
    assertThat(known("p/child")).isFalse();
  }

  @Test
  void aResubmittedIdKeepsItsNewJobAndNumbersAttemptsOnAfterTheOldOneIsForgotten() {
    s.worker("w1", 4);
    s.submit("train", 1, 1);
    s.schedule();
    s.runAndSucceed("train/task-0");
    s.advance(2 * HOUR);
    s.state.forgetFinishedJobs(s.now);
    assertThat(known("train")).isFalse();

    s.submit("train", 1, 1);
    s.schedule();
    assertThat(s.task("train/task-0").currentAttemptId()).isEqualTo(1);
    s.state.forgetFinishedJobs(s.now);
    assertThat(known("train")).isTrue();
  }

  @Test
  void beyondTheJobBoundTheOldestFinishedJobsGoFirstWithTheirChildren() {
    Store s = new Store(Store.CONFIG.withJobRetention(new StoreConfig.JobRetention(HOUR, 1_000, 3)));
    s.submit(spec("p").replicas(1).cpu(0));
    s.submit(spec("p/c").replicas(1).cpu(0));
    s.state.terminate(JobId.of("p"), "done", s.now); // a tree of two jobs
    s.advance(1);
    for (String id : List.of("a", "b")) {
      s.submit(spec(id).replicas(1).cpu(0));
      s.state.terminate(JobId.of(id), "done", s.now);
      s.advance(1);
    }
    assertThat(s.state.forgetFinishedJobs(s.now)).as("4 finished jobs, 3 allowed").isEqualTo(1);
    assertThat(s.state.job(JobId.of("p"))).isEmpty();
    assertThat(s.state.job(JobId.of("p/c"))).isEmpty();
    assertThat(s.state.job(JobId.of("a"))).isPresent();

    s.state.reconfigure(s.state.config().withJobRetention(new StoreConfig.JobRetention(HOUR, 1_000, 1)), s.now);
    assertThat(s.state.forgetFinishedJobs(s.now)).as("the new bound holds from the next tick").isEqualTo(1);
    assertThat(s.state.job(JobId.of("a"))).isEmpty();
    assertThat(s.state.job(JobId.of("b"))).isPresent();
  }
}
