package dev.iris.scheduler;

import static dev.iris.scheduler.Fixtures.cpu;
import static dev.iris.scheduler.Fixtures.gang;
import static dev.iris.scheduler.Fixtures.gpus;
import static dev.iris.scheduler.Fixtures.placed;
import static dev.iris.scheduler.Fixtures.reason;
import static dev.iris.scheduler.Fixtures.res;
import static dev.iris.scheduler.Fixtures.run;
import static dev.iris.scheduler.Fixtures.schedule;
import static dev.iris.scheduler.Fixtures.worker;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.core.Resources;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Capacity is accounted across the whole pass: what one task takes, later tasks cannot have. */
class CapacityTest {
  @Test
  void fillsAWorkerThenSpillsToTheNext() {
    Plan plan = schedule(List.of(run("a", cpu(1), 6)), List.of(worker("w1", cpu(4)), worker("w2", cpu(4))));

    assertThat(placed(plan)).containsExactly(
        "a/task-0 -> w1", "a/task-1 -> w1", "a/task-2 -> w1", "a/task-3 -> w1",
        "a/task-4 -> w2", "a/task-5 -> w2");
  }

  @Test
  void laterRunsSeeWhatEarlierRunsTook() {
    Plan plan = schedule(
        List.of(run("a", cpu(1), 6), run("b", cpu(1), 3)),
        List.of(worker("w1", cpu(4)), worker("w2", cpu(4))));

    assertThat(placed(plan)).endsWith("b/task-0 -> w2", "b/task-1 -> w2");
    assertThat(plan.assignments()).hasSize(8);
    assertThat(reason(plan, "b")).isEqualTo("no worker has 1 cpu free");
  }

  @Test
  void differentShapesShareOneWorkersCapacity() {
    Plan plan = schedule(
        List.of(run("a", cpu(3), 1), run("b", cpu(2), 1), run("c", cpu(1), 1)),
        List.of(worker("w1", cpu(4)), worker("w2", cpu(4))));

    assertThat(placed(plan)).containsExactly("a/task-0 -> w1", "b/task-0 -> w2", "c/task-0 -> w1");
  }

  @Test
  void aShapeResumesOnAPartlyFilledWorker() {
    // a fills w1 (1 left) then w2 (2 left); c, same shape as a, resumes at w2 and skips w1.
    Plan plan = schedule(
        List.of(run("a", cpu(2), 3), run("b", cpu(1), 1), run("c", cpu(2), 2)),
        List.of(worker("w1", cpu(5)), worker("w2", cpu(4)), worker("w3", cpu(2))));

    assertThat(placed(plan)).containsExactly(
        "a/task-0 -> w1", "a/task-1 -> w1", "a/task-2 -> w2",
        "b/task-0 -> w1",
        "c/task-0 -> w2", "c/task-1 -> w3");
  }

  @Test
  void theScarcestDimensionLimitsTasksPerWorker() {
    Plan plan = schedule(List.of(run("a", res(1, 4), 5)), List.of(worker("w1", res(16, 8)), worker("w2", res(16, 64))));

    assertThat(placed(plan)).containsExactly(
        "a/task-0 -> w1", "a/task-1 -> w1", "a/task-2 -> w2", "a/task-3 -> w2", "a/task-4 -> w2");
  }

  @Test
  void diskIsAccounted() {
    Resources need = new Resources(0, 0, 10, 0, "");
    Plan plan = schedule(List.of(run("a", need, 3)), List.of(worker("w1", new Resources(8, 0, 25, 0, ""))));

    assertThat(plan.assignments()).hasSize(2);
    assertThat(reason(plan, "a")).isEqualTo("no worker has 10 B disk free");
  }

  @Test
  void gpusAreAccounted() {
    Plan plan = schedule(
        List.of(run("a", gpus(2, "a100"), 3), run("b", gpus(1, ""), 2)),
        List.of(worker("w1", gpus(4, "a100")), worker("w2", gpus(1, "h100"))));

    assertThat(placed(plan)).containsExactly(
        "a/task-0 -> w1", "a/task-1 -> w1", "b/task-0 -> w2");
    assertThat(reason(plan, "a")).isEqualTo("no worker has 2 gpu a100 free");
    assertThat(reason(plan, "b")).isEqualTo("no worker has 1 gpu free");
  }

  @Test
  void gangPlacementsTakeCapacityFromLaterRuns() {
    Plan plan = schedule(
        List.of(gang("g", cpu(3), "slice", 2), run("a", cpu(1), 3)),
        List.of(worker("w1", cpu(4), "slice", "s"), worker("w2", cpu(4), "slice", "s")));

    assertThat(placed(plan)).containsExactly("g/task-0 -> w1", "g/task-1 -> w2", "a/task-0 -> w1", "a/task-1 -> w2");
    assertThat(reason(plan, "a")).isEqualTo("no worker has 1 cpu free");
  }

  @Test
  void emptyRequestsAllGoToTheFirstWorker() {
    Plan plan = schedule(List.of(run("a", Resources.NONE, 3)), List.of(worker("w1", Resources.NONE), worker("w2", cpu(4))));

    assertThat(placed(plan)).containsExactly("a/task-0 -> w1", "a/task-1 -> w1", "a/task-2 -> w1");
  }

  @Test
  void aPassNeverPlansMoreThanWasFree() {
    Map<String, Resources> perJob = Map.of("a", res(3, 5), "b", res(1, 1), "c", res(2, 3));
    List<WorkerView> workers = List.of(worker("w1", res(16, 32)), worker("w2", res(7, 64)), worker("w3", res(32, 10)));
    Plan plan = schedule(
        List.of(run("a", perJob.get("a"), 100), run("b", perJob.get("b"), 100), run("c", perJob.get("c"), 100)),
        workers);

    Map<String, Resources> used = new HashMap<>();
    for (Assignment a : plan.assignments()) {
      used.merge(a.workerId(), perJob.get(a.task().job().value()), Resources::plus);
    }
    for (WorkerView w : workers) {
      assertThat(w.free().fits(used.getOrDefault(w.workerId(), Resources.NONE))).as(w.workerId()).isTrue();
    }
    assertThat(plan.pendingReasons()).hasSize(3);
  }
}
