package dev.iris.controller.state;

import static dev.iris.controller.state.Store.commands;
import static dev.iris.controller.state.Store.spec;
import static dev.iris.core.TaskState.ASSIGNED;
import static dev.iris.core.TaskState.PENDING;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.core.Constraint;
import dev.iris.core.ConstraintOp;
import dev.iris.core.JobId;
import dev.iris.core.TaskId;
import dev.iris.scheduler.PendingRun;
import dev.iris.scheduler.Plan;
import dev.iris.scheduler.WorkerView;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The store re-checks every planned assignment against the state at commit time: a plan is computed
 * from a snapshot, and the world moves on while the scheduler works.
 */
class CommitRecheckTest {
  private final Store s = new Store();

  /** A pass over the current snapshot restricted to {@code job}'s runs: a plan made concurrently. */
  private Plan planFor(String job) {
    ClusterState.SchedulingInput in = s.state.schedulingInput();
    List<PendingRun> runs = in.queue().stream().filter(r -> r.job().equals(JobId.of(job))).toList();
    return s.scheduler.schedule(runs, in.workers());
  }

  @Test
  void aPlanWhoseWorkerWasLostIsNotCommitted() {
    s.worker("w1", 4);
    s.submit("j", 2, 1);
    Plan plan = s.plan();
    s.at(7_000);
    s.state.checkWorkerLiveness(s.now);
    s.drain();

    assertThat(s.state.commit(plan, s.now)).isZero();

    assertThat(s.counts("j")).isEqualTo(Map.of(PENDING, 2));
    assertThat(s.holdings("w1")).isEmpty();
    assertThat(s.drain().commands()).isEmpty();
  }

  @Test
  void aPlanWhoseWorkerTurnedSuspectIsNotCommitted() {
    s.worker("w1", 4);
    s.submit("first", 1, 1);
    s.schedule();
    s.submit("j", 1, 1);
    Plan plan = s.plan();
    s.state.deliveryFailed(TaskId.parse("first/task-0"), 0, "w1", "refused", s.now);
    s.drain();

    assertThat(s.state.commit(plan, s.now)).isZero();
    assertThat(s.taskState("j/task-0")).isEqualTo(PENDING);
  }

  @Test
  void aPlanWhoseTaskWasKilledIsNotCommitted() {
    s.worker("w1", 4);
    s.submit("j", 1, 1);
    s.submit("k", 1, 1);
    Plan plan = s.plan();
    s.state.terminate(JobId.of("j"), "user", s.now);
    s.drain();

    assertThat(s.state.commit(plan, s.now)).isEqualTo(1); // k's assignment still holds

    assertThat(commands(s.drain())).containsExactly("Run k/task-0#0@w1");
    assertThat(s.holdings("w1")).containsExactly("k/task-0#0");
    s.assertConsistent();
  }

  @Test
  void aPlanCommittedTwiceAssignsOnce() {
    s.worker("w1", 4);
    s.submit("j", 1, 1);
    Plan plan = s.plan();

    assertThat(s.state.commit(plan, s.now)).isEqualTo(1);
    assertThat(s.state.commit(plan, s.now)).isZero();

    assertThat(commands(s.drain())).containsExactly("Run j/task-0#0@w1");
    assertThat(s.task("j/task-0").attempts()).hasSize(1);
    assertThat(s.committedCpu("w1")).isEqualTo(1);
  }

  @Test
  void aPlanThatWouldOverCommitAWorkerIsNotCommitted() {
    s.worker("w1", 4);
    s.submit("a", 1, 3);
    s.submit("b", 1, 3);
    // two passes over the same snapshot each put their job on w1, which has room for one of them
    Plan forA = planFor("a");
    Plan forB = planFor("b");
    assertThat(forA.assignments()).hasSize(1);
    assertThat(forB.assignments()).hasSize(1);

    assertThat(s.state.commit(forA, s.now)).isEqualTo(1);
    assertThat(s.state.commit(forB, s.now)).isZero();

    assertThat(s.committedCpu("w1")).isEqualTo(3);
    assertThat(s.taskState("a/task-0")).isEqualTo(ASSIGNED);
    assertThat(s.taskState("b/task-0")).isEqualTo(PENDING);
    assertThat(commands(s.drain())).containsExactly("Run a/task-0#0@w1");
    s.assertConsistent();
  }

  @Test
  void anOverCommitIsCheckedInEveryDimension() {
    s.worker(Store.registration("g1", new dev.iris.core.Resources(16, 64 * Store.GIB, 0, 2, "a100")));
    s.submit(spec("a").resources(new dev.iris.core.Resources(1, Store.GIB, 0, 2, "a100")));
    s.submit(spec("b").resources(new dev.iris.core.Resources(1, Store.GIB, 0, 1, "a100")));
    Plan forA = planFor("a");
    Plan forB = planFor("b");

    s.state.commit(forA, s.now);
    assertThat(s.state.commit(forB, s.now)).isZero();

    assertThat(s.w("g1").committed().gpus()).isEqualTo(2);
    assertThat(s.w("g1").free().gpus()).isZero();
  }

  @Test
  void aPlanViolatingAConstraintAfterReRegistrationIsNotCommitted() {
    s.worker("w1", 4, "zone", "a");
    s.submit(spec("j").constraints(Constraint.of("zone", ConstraintOp.EQ, "a")));
    Plan plan = s.plan();
    s.worker("w1", 4, "zone", "b"); // re-registered with other attributes

    assertThat(s.state.commit(plan, s.now)).isZero();
    assertThat(s.taskState("j/task-0")).isEqualTo(PENDING);
  }

  @Test
  void aPlanForAJobReplacedMeanwhileByASmallerOneIsRecheckedAgainstTheNewJob() {
    s.worker("w1", 8);
    s.submit("j", 4, 1);
    Plan plan = s.plan();
    assertThat(plan.assignments()).hasSize(4);
    s.state.terminate(JobId.of("j"), "user", s.now);
    s.submit("j", 2, 1); // same id, two tasks

    int committed = s.state.commit(plan, s.now);

    assertThat(committed).isEqualTo(2);
    assertThat(s.holdings("w1")).containsExactly("j/task-0#0", "j/task-1#0");
    s.assertConsistent();
  }

  @Test
  void plansFromOneSnapshotForWorkersThatVanishedAreIgnored() {
    s.submit("j", 1, 1);
    Plan plan = s.scheduler.schedule(s.state.schedulingInput().queue(),
        List.of(WorkerView.of("ghost", dev.iris.core.Resources.of(4, 64 * Store.GIB), Map.of())));

    assertThat(s.state.commit(plan, s.now)).isZero();
    assertThat(s.taskState("j/task-0")).isEqualTo(PENDING);
  }
}
