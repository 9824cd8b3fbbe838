package dev.iris.scheduler;

import static dev.iris.scheduler.Fixtures.cpu;
import static dev.iris.scheduler.Fixtures.placed;
import static dev.iris.scheduler.Fixtures.reason;
import static dev.iris.scheduler.Fixtures.run;
import static dev.iris.scheduler.Fixtures.schedule;
import static dev.iris.scheduler.Fixtures.tasks;
import static dev.iris.scheduler.Fixtures.unschedulable;
import static dev.iris.scheduler.Fixtures.worker;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Queue order, first fit, no head-of-line blocking, unschedulable workers, purity. */
class OrderTest {
  @Test
  void earlierRunsGetFirstPick() {
    Plan plan = schedule(
        List.of(run("first", cpu(2), 1), run("second", cpu(2), 1), run("third", cpu(2), 1)),
        List.of(worker("w1", cpu(2)), worker("w2", cpu(2))));

    assertThat(placed(plan)).containsExactly("first/task-0 -> w1", "second/task-0 -> w2");
    assertThat(reason(plan, "third")).isEqualTo("no worker has 2 cpu free");
  }

  @Test
  void eachTaskGoesToTheFirstWorkerWithRoomInSnapshotOrder() {
    Plan plan = schedule(List.of(run("job", cpu(3), 2)),
        List.of(worker("small", cpu(2)), worker("big", cpu(8)), worker("medium", cpu(4))));

    assertThat(placed(plan)).containsExactly("job/task-0 -> big", "job/task-1 -> big");
  }

  @Test
  void tasksOfARunArePlacedInIndexOrder() {
    Plan plan = schedule(List.of(tasks("job", cpu(1), 2, 5, 7)), List.of(worker("w1", cpu(2)), worker("w2", cpu(2))));

    assertThat(placed(plan)).containsExactly("job/task-2 -> w1", "job/task-5 -> w1", "job/task-7 -> w2");
  }

  @Test
  void aTaskThatFitsNowhereDoesNotBlockLaterTasks() {
    Plan plan = schedule(
        List.of(run("huge", cpu(64), 1), run("small", cpu(1), 2), run("huge-too", cpu(64), 3), run("tiny", cpu(1), 1)),
        List.of(worker("w1", cpu(2)), worker("w2", cpu(2))));

    assertThat(placed(plan)).containsExactly("small/task-0 -> w1", "small/task-1 -> w1", "tiny/task-0 -> w2");
    assertThat(plan.pendingReasons()).containsOnlyKeys(
        dev.iris.core.JobId.of("huge"), dev.iris.core.JobId.of("huge-too"));
  }

  @Test
  void aRunThatRanOutOfRoomDoesNotBlockSmallerRunsBehindIt() {
    Plan plan = schedule(List.of(run("big", cpu(3), 3), run("small", cpu(1), 2)),
        List.of(worker("w1", cpu(4)), worker("w2", cpu(4))));

    assertThat(placed(plan)).containsExactly(
        "big/task-0 -> w1", "big/task-1 -> w2", "small/task-0 -> w1", "small/task-1 -> w2");
  }

  @Test
  void unschedulableWorkersAreSkipped() {
    Plan plan = schedule(List.of(run("job", cpu(1), 3)), List.of(
        unschedulable("suspect", cpu(8)), worker("w1", cpu(1)), unschedulable("unhealthy", cpu(8)), worker("w2", cpu(8))));

    assertThat(placed(plan)).containsExactly("job/task-0 -> w1", "job/task-1 -> w2", "job/task-2 -> w2");
  }

  @Test
  void runsOfOneJobKeepTheFirstReason() {
    Plan plan = schedule(List.of(tasks("job", cpu(16), 0), tasks("job", cpu(1), 1)), List.of(worker("w1", cpu(4))));

    assertThat(placed(plan)).containsExactly("job/task-1 -> w1");
    assertThat(reason(plan, "job")).isEqualTo("no worker has 16 cpu free");
  }

  @Test
  void emptyQueueAndEmptyRunsPlanNothing() {
    assertThat(schedule(List.of(), List.of(worker("w1", cpu(1))))).isEqualTo(Plan.EMPTY);
    assertThat(schedule(List.of(tasks("job", cpu(1))), List.of())).isEqualTo(Plan.EMPTY);
  }

  @Test
  void sameInputsSamePlan() {
    List<PendingRun> queue = List.of(run("a", cpu(3), 5), run("b", cpu(5), 2), run("c", cpu(1), 7));
    List<WorkerView> workers = List.of(worker("w1", cpu(8)), worker("w2", cpu(6)), worker("w3", cpu(4)));

    Plan first = schedule(queue, workers);

    assertThat(schedule(new ArrayList<>(queue), new ArrayList<>(workers))).isEqualTo(first);
    assertThat(new Scheduler().schedule(queue, workers)).isEqualTo(first);
  }

  @Test
  void inputsAreNotModified() {
    PendingRun run = tasks("job", cpu(1), 0, 1, 2);
    WorkerView w = worker("w1", cpu(2), "zone", "a");
    List<PendingRun> queue = new ArrayList<>(List.of(run));
    List<WorkerView> workers = new ArrayList<>(List.of(w));

    schedule(queue, workers);

    assertThat(queue).containsExactly(tasks("job", cpu(1), 0, 1, 2));
    assertThat(workers).containsExactly(worker("w1", cpu(2), "zone", "a"));
    assertThat(run.taskIndices()).containsExactly(0, 1, 2);
  }

  @Test
  void pendingRunRejectsUnorderedIndices() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> tasks("job", cpu(1), 3, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("strictly ascending");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> tasks("job", cpu(1), 0, 10_000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0..9999");
  }
}
