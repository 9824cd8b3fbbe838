package dev.iris.scheduler;

import static dev.iris.scheduler.Fixtures.GIB;
import static dev.iris.scheduler.Fixtures.cpu;
import static dev.iris.scheduler.Fixtures.gang;
import static dev.iris.scheduler.Fixtures.reason;
import static dev.iris.scheduler.Fixtures.res;
import static dev.iris.scheduler.Fixtures.run;
import static dev.iris.scheduler.Fixtures.schedule;
import static dev.iris.scheduler.Fixtures.unschedulable;
import static dev.iris.scheduler.Fixtures.worker;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.core.Constraint;
import dev.iris.core.ConstraintOp;
import dev.iris.core.JobId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every job left waiting says why, in one sentence that is true of the pass. */
class PendingReasonsTest {
  private static final Constraint EAST = Constraint.of("zone", ConstraintOp.EQ, "us-east");

  @Test
  void noWorkersRegistered() {
    Plan plan = schedule(List.of(run("job", cpu(1), 1), gang("g", cpu(1), "tpu-name", 2)), List.of());

    assertThat(reason(plan, "job")).isEqualTo("no workers registered");
    assertThat(reason(plan, "g")).isEqualTo("no workers registered");
  }

  @Test
  void noSchedulableWorkers() {
    Plan plan = schedule(List.of(run("job", cpu(1), 1), gang("g", cpu(1), "tpu-name", 2)),
        List.of(unschedulable("w1", cpu(8), "tpu-name", "s")));

    assertThat(reason(plan, "job")).isEqualTo("no schedulable workers");
    assertThat(reason(plan, "g")).isEqualTo("no schedulable workers");
  }

  @Test
  void noWorkerMatchesConstraints() {
    Plan plan = schedule(List.of(run("job", cpu(1), 1, EAST)), List.of(worker("w1", cpu(8), "zone", "us-west")));

    assertThat(reason(plan, "job")).isEqualTo("no worker matches constraints zone=us-east");
  }

  @Test
  void noWorkerHasTheCpu() {
    Plan plan = schedule(List.of(run("job", cpu(8), 1)), List.of(worker("w1", cpu(4)), worker("w2", cpu(6))));

    assertThat(reason(plan, "job")).isEqualTo("no worker has 8 cpu free");
  }

  @Test
  void theFirstDimensionNoWorkerHasIsNamed() {
    Plan plan = schedule(List.of(run("job", res(8, 64), 1)), List.of(worker("w1", res(4, 128)), worker("w2", res(16, 32))));

    assertThat(reason(plan, "job")).isEqualTo("no single worker has 8 cpu, 64 GiB memory free");
  }

  @Test
  void aDimensionNoWorkerHasWinsOverOnesSomeHave() {
    Plan plan = schedule(List.of(run("job", res(8, 64), 1)), List.of(worker("w1", res(4, 128)), worker("w2", res(4, 32))));

    assertThat(reason(plan, "job")).isEqualTo("no worker has 8 cpu free");
  }

  @Test
  void onlyWorkersMatchingConstraintsExplainCapacity() {
    Plan plan = schedule(List.of(run("job", res(2, 64), 1, EAST)), List.of(
        worker("west", res(64, 512), "zone", "us-west"), worker("east", res(64, 16), "zone", "us-east")));

    assertThat(reason(plan, "job")).isEqualTo("no worker has 64 GiB memory free");
  }

  @Test
  void capacityTakenEarlierInThePassIsReflected() {
    Plan plan = schedule(List.of(run("first", cpu(4), 2), run("second", cpu(1), 1)),
        List.of(worker("w1", cpu(4)), worker("w2", cpu(4))));

    assertThat(reason(plan, "first")).isNull();
    assertThat(reason(plan, "second")).isEqualTo("no worker has 1 cpu free");
  }

  @Test
  void aPartlyPlacedRunStillExplainsTheRest() {
    Plan plan = schedule(List.of(run("job", res(1, 1), 10)), List.of(worker("w1", res(6, 64))));

    assertThat(plan.assignments()).hasSize(6);
    assertThat(reason(plan, "job")).isEqualTo("no worker has 1 cpu free");
  }

  @Test
  void everyJobOfAShapeThatFitsNowhereGetsTheReason() {
    Plan plan = schedule(List.of(run("a", cpu(9), 1), run("b", cpu(9), 3), run("c", cpu(1), 1), run("d", cpu(9), 2)),
        List.of(worker("w1", cpu(8))));

    assertThat(plan.pendingReasons()).containsExactly(
        java.util.Map.entry(JobId.of("a"), "no worker has 9 cpu free"),
        java.util.Map.entry(JobId.of("b"), "no worker has 9 cpu free"),
        java.util.Map.entry(JobId.of("d"), "no worker has 9 cpu free"));
  }

  @Test
  void gpuVariantShortfall() {
    Plan plan = schedule(List.of(run("job", new dev.iris.core.Resources(1, GIB, 0, 2, "h100"), 1)),
        List.of(worker("w1", new dev.iris.core.Resources(8, 8 * GIB, 0, 8, "a100"))));

    assertThat(reason(plan, "job")).isEqualTo("no worker has 2 gpu h100 free");
  }

  @Test
  void gangWithoutTheAttributeAnywhere() {
    Plan plan = schedule(List.of(gang("g", cpu(1), "tpu-name", 4)), List.of(worker("w1", cpu(8), "zone", "a")));

    assertThat(reason(plan, "g")).isEqualTo("coscheduling: no worker has attribute 'tpu-name'");
  }

  @Test
  void gangGroupTooSmall() {
    Plan plan = schedule(List.of(gang("g", cpu(1), "tpu-name", 4)), List.of(
        worker("w1", cpu(8), "tpu-name", "a"), worker("w2", cpu(8), "tpu-name", "b"), worker("w3", cpu(8), "tpu-name", "b")));

    assertThat(reason(plan, "g")).isEqualTo("coscheduling: need 4 workers in one 'tpu-name' group, largest has 2");
  }

  @Test
  void gangGroupTooFewMatchingConstraints() {
    Plan plan = schedule(List.of(gang("g", cpu(1), "tpu-name", 2, EAST)), List.of(
        worker("w1", cpu(8), "tpu-name", "a", "zone", "us-east"), worker("w2", cpu(8), "tpu-name", "a"),
        worker("w3", cpu(8), "tpu-name", "b", "zone", "us-east")));

    assertThat(reason(plan, "g"))
        .isEqualTo("coscheduling: need 2 workers matching constraints zone=us-east in one 'tpu-name' group, largest has 1");
  }

  @Test
  void gangGroupWithoutRoomNamesWhatTheClosestGroupLacks() {
    Plan plan = schedule(List.of(gang("g", res(4, 8), "tpu-name", 2)), List.of(
        worker("a1", res(2, 64), "tpu-name", "a"), worker("a2", res(2, 4), "tpu-name", "a"),
        worker("b1", res(8, 64), "tpu-name", "b"), worker("b2", res(2, 64), "tpu-name", "b")));

    assertThat(reason(plan, "g"))
        .isEqualTo("coscheduling: need 2 workers with 4 cpu free in one 'tpu-name' group, largest has 1");
  }

  @Test
  void gangGroupWithoutRoomInSeveralDimensions() {
    Plan plan = schedule(List.of(gang("g", res(4, 8), "tpu-name", 3)), List.of(
        worker("a1", res(8, 64), "tpu-name", "a"), worker("a2", res(2, 64), "tpu-name", "a"),
        worker("a3", res(8, 4), "tpu-name", "a")));

    assertThat(reason(plan, "g"))
        .isEqualTo("coscheduling: need 3 workers with 4 cpu, 8 GiB memory free in one 'tpu-name' group, largest has 1");
  }

  @Test
  void placedJobsHaveNoReason() {
    Plan plan = schedule(List.of(run("job", cpu(1), 2), gang("g", cpu(1), "tpu-name", 1)),
        List.of(worker("w1", cpu(8), "tpu-name", "s")));

    assertThat(plan.pendingReasons()).isEmpty();
  }
}
