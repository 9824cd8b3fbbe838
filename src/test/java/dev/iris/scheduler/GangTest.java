package dev.iris.scheduler;

import static dev.iris.scheduler.Fixtures.cpu;
import static dev.iris.scheduler.Fixtures.gang;
import static dev.iris.scheduler.Fixtures.placed;
import static dev.iris.scheduler.Fixtures.placements;
import static dev.iris.scheduler.Fixtures.reason;
import static dev.iris.scheduler.Fixtures.run;
import static dev.iris.scheduler.Fixtures.schedule;
import static dev.iris.scheduler.Fixtures.unschedulable;
import static dev.iris.scheduler.Fixtures.worker;
import static dev.iris.scheduler.Scheduler.WORKER_INDEX_ATTRIBUTE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.core.Constraint;
import dev.iris.core.ConstraintOp;
import dev.iris.core.JobId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Coscheduling: all tasks of a gang onto distinct workers of one group, in worker-index order, or none. */
class GangTest {
  private static final String SLICE = "tpu-name";

  private static WorkerView member(String id, String slice, int index) {
    return worker(id, cpu(8), SLICE, slice, WORKER_INDEX_ATTRIBUTE, String.valueOf(index));
  }

  @Test
  void tasksGoOntoDistinctWorkersEvenWhenOneCouldHoldThemAll() {
    Plan plan = schedule(List.of(gang("g", cpu(1), SLICE, 3)),
        List.of(member("w1", "s", 0), member("w2", "s", 1), member("w3", "s", 2)));

    assertThat(placed(plan)).containsExactly("g/task-0 -> w1", "g/task-1 -> w2", "g/task-2 -> w3");
    assertThat(plan.pendingReasons()).isEmpty();
  }

  @Test
  void aGroupTooSmallPlacesNothing() {
    Plan plan = schedule(List.of(gang("g", cpu(1), SLICE, 4)),
        List.of(member("w1", "s", 0), member("w2", "s", 1), member("w3", "s", 2)));

    assertThat(plan.assignments()).isEmpty();
    assertThat(reason(plan, "g")).isEqualTo("coscheduling: need 4 workers in one 'tpu-name' group, largest has 3");
  }

  @Test
  void oneFullMemberPlacesNothing() {
    Plan plan = schedule(List.of(run("filler", cpu(8), 1), gang("g", cpu(2), SLICE, 3)),
        List.of(member("w1", "s", 0), member("w2", "s", 1), member("w3", "s", 2)));

    assertThat(placed(plan)).containsExactly("filler/task-0 -> w1");
    assertThat(reason(plan, "g")).isEqualTo("coscheduling: need 3 workers with 2 cpu free in one 'tpu-name' group, largest has 2");
  }

  @Test
  void taskIGoesToTheWorkerWithIndexI() {
    Plan plan = schedule(List.of(gang("g", cpu(1), SLICE, 4)),
        List.of(member("d", "s", 3), member("b", "s", 1), member("a", "s", 2), member("c", "s", 0)));

    assertThat(placements(plan)).containsExactly(
        java.util.Map.entry("g/task-0", "c"), java.util.Map.entry("g/task-1", "b"),
        java.util.Map.entry("g/task-2", "a"), java.util.Map.entry("g/task-3", "d"));
  }

  @Test
  void workerIndexIsNumericAndWorkersWithoutOneComeLastById() {
    Plan plan = schedule(List.of(gang("g", cpu(1), SLICE, 5)), List.of(
        worker("zz", cpu(8), SLICE, "s"),
        member("ten", "s", 10),
        worker("aa", cpu(8), SLICE, "s", WORKER_INDEX_ATTRIBUTE, "not-a-number"),
        member("nine", "s", 9),
        member("one", "s", 1)));

    assertThat(placed(plan)).containsExactly(
        "g/task-0 -> one", "g/task-1 -> nine", "g/task-2 -> ten", "g/task-3 -> aa", "g/task-4 -> zz");
  }

  @Test
  void theKthPendingTaskGetsTheKthEligibleWorker() {
    PendingRun rest = new PendingRun(JobId.of("g"), cpu(4), List.of(), SLICE, new int[] {1, 3});
    Plan plan = schedule(List.of(run("filler", cpu(8), 1), rest),
        List.of(member("w0", "s", 0), member("w1", "s", 1), member("w2", "s", 2), member("w3", "s", 3)));

    assertThat(placed(plan)).containsExactly("filler/task-0 -> w0", "g/task-1 -> w1", "g/task-3 -> w2");
  }

  @Test
  void theFirstGroupInSnapshotOrderThatCanTakeTheGangWins() {
    Plan plan = schedule(List.of(gang("g", cpu(1), SLICE, 2)), List.of(
        member("small-0", "small", 0),
        member("b-0", "b", 0),
        member("a-1", "a", 1),
        member("a-0", "a", 0),
        member("b-1", "b", 1)));

    assertThat(placed(plan)).containsExactly("g/task-0 -> b-0", "g/task-1 -> b-1");
  }

  @Test
  void groupsWhoseWorkersFailConstraintsAreSkipped() {
    Constraint v5 = Constraint.of("accelerator", ConstraintOp.EQ, "v5");
    Plan plan = schedule(List.of(gang("g", cpu(1), SLICE, 2, v5)), List.of(
        worker("a-0", cpu(8), SLICE, "a", "accelerator", "v4"),
        worker("a-1", cpu(8), SLICE, "a", "accelerator", "v5"),
        worker("b-0", cpu(8), SLICE, "b", "accelerator", "v5"),
        worker("b-1", cpu(8), SLICE, "b", "accelerator", "v5")));

    assertThat(placed(plan)).containsExactly("g/task-0 -> b-0", "g/task-1 -> b-1");
  }

  @Test
  void successiveGangsFillSuccessiveGroups() {
    Plan plan = schedule(List.of(gang("g1", cpu(8), SLICE, 2), gang("g2", cpu(8), SLICE, 2), gang("g3", cpu(8), SLICE, 2)),
        List.of(member("a0", "a", 0), member("a1", "a", 1), member("b0", "b", 0), member("b1", "b", 1)));

    assertThat(placed(plan)).containsExactly("g1/task-0 -> a0", "g1/task-1 -> a1", "g2/task-0 -> b0", "g2/task-1 -> b1");
    assertThat(reason(plan, "g3")).isEqualTo("coscheduling: need 2 workers with 8 cpu free in one 'tpu-name' group, largest has 0");
  }

  @Test
  void workersWithoutTheAttributeOrUnschedulableAreInNoGroup() {
    Plan plan = schedule(List.of(gang("g", cpu(1), SLICE, 3)), List.of(
        member("w0", "s", 0), worker("loner", cpu(8)), unschedulable("w1", cpu(8), SLICE, "s"), member("w2", "s", 2)));

    assertThat(plan.assignments()).isEmpty();
    assertThat(reason(plan, "g")).isEqualTo("coscheduling: need 3 workers in one 'tpu-name' group, largest has 2");
  }

  @Test
  void aGangThatWaitsDoesNotBlockLaterRuns() {
    Plan plan = schedule(List.of(gang("g", cpu(1), SLICE, 8), run("after", cpu(1), 2)),
        List.of(member("w0", "s", 0), member("w1", "s", 1)));

    assertThat(placed(plan)).containsExactly("after/task-0 -> w0", "after/task-1 -> w0");
  }

  @Test
  void aSmallerGangOfTheSameShapeCanStillFitAfterALargerOneFailed() {
    Plan plan = schedule(List.of(gang("big", cpu(1), SLICE, 3), gang("pair", cpu(1), SLICE, 2)),
        List.of(member("w0", "s", 0), member("w1", "s", 1)));

    assertThat(placed(plan)).containsExactly("pair/task-0 -> w0", "pair/task-1 -> w1");
    assertThat(reason(plan, "big")).isEqualTo("coscheduling: need 3 workers in one 'tpu-name' group, largest has 2");
  }

  @Test
  void aGangOfOneStillNeedsTheAttribute() {
    Plan plan = schedule(List.of(gang("g", cpu(1), SLICE, 1)), List.of(worker("w", cpu(8))));

    assertThat(reason(plan, "g")).isEqualTo("coscheduling: no worker has attribute 'tpu-name'");
  }
}
