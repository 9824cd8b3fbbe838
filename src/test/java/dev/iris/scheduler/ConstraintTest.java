package dev.iris.scheduler;

import static dev.iris.scheduler.Fixtures.cpu;
import static dev.iris.scheduler.Fixtures.placed;
import static dev.iris.scheduler.Fixtures.reason;
import static dev.iris.scheduler.Fixtures.run;
import static dev.iris.scheduler.Fixtures.schedule;
import static dev.iris.scheduler.Fixtures.unschedulable;
import static dev.iris.scheduler.Fixtures.worker;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.core.Constraint;
import dev.iris.core.ConstraintOp;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every constraint operator, on a present and a missing attribute; constraints are AND-ed. */
class ConstraintTest {
  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(c("zone", ConstraintOp.EQ, "us-east"), "us-east", true),
        Arguments.of(c("zone", ConstraintOp.EQ, "us-east"), "us-west", false),
        Arguments.of(c("zone", ConstraintOp.EQ, "us-east"), null, false),
        Arguments.of(c("zone", ConstraintOp.NE, "us-east"), "us-west", true),
        Arguments.of(c("zone", ConstraintOp.NE, "us-east"), "us-east", false),
        Arguments.of(c("zone", ConstraintOp.NE, "us-east"), null, false),
        Arguments.of(c("zone", ConstraintOp.EXISTS, ""), "anything", true),
        Arguments.of(c("zone", ConstraintOp.EXISTS, ""), "", true),
        Arguments.of(c("zone", ConstraintOp.EXISTS, ""), null, false),
        Arguments.of(c("zone", ConstraintOp.NOT_EXISTS, ""), null, true),
        Arguments.of(c("zone", ConstraintOp.NOT_EXISTS, ""), "us-east", false),
        Arguments.of(c("mem-gb", ConstraintOp.GT, "9"), "10", true),
        Arguments.of(c("mem-gb", ConstraintOp.GT, "10"), "10", false),
        Arguments.of(c("mem-gb", ConstraintOp.GT, "9"), "lots", false),
        Arguments.of(c("mem-gb", ConstraintOp.GT, "9"), null, false),
        Arguments.of(c("mem-gb", ConstraintOp.GE, "10"), "10", true),
        Arguments.of(c("mem-gb", ConstraintOp.GE, "10"), "9.5", false),
        Arguments.of(c("mem-gb", ConstraintOp.GE, "10"), null, false),
        Arguments.of(c("mem-gb", ConstraintOp.LT, "10"), "9", true),
        Arguments.of(c("mem-gb", ConstraintOp.LT, "10"), "10", false),
        Arguments.of(c("mem-gb", ConstraintOp.LT, "10"), null, false),
        Arguments.of(c("mem-gb", ConstraintOp.LE, "10"), "10.0", true),
        Arguments.of(c("mem-gb", ConstraintOp.LE, "10"), "11", false),
        Arguments.of(c("mem-gb", ConstraintOp.LE, "10"), null, false),
        Arguments.of(in("zone", "us-east", "eu-west"), "eu-west", true),
        Arguments.of(in("zone", "us-east", "eu-west"), "ap-south", false),
        Arguments.of(in("zone", "us-east", "eu-west"), null, false));
  }

  private static Constraint c(String key, ConstraintOp op, String value) {
    return Constraint.of(key, op, value);
  }

  private static Constraint in(String key, String... values) {
    return new Constraint(key, ConstraintOp.IN, "", List.of(values));
  }

  @ParameterizedTest(name = "{0} on {1}: {2}")
  @MethodSource("cases")
  void eachOperator(Constraint constraint, String attribute, boolean matches) {
    WorkerView w = attribute == null ? worker("w1", cpu(4), "other", "x")
        : worker("w1", cpu(4), constraint.key(), attribute, "other", "x");

    Plan plan = schedule(List.of(run("job", cpu(1), 1, constraint)), List.of(w));

    assertThat(plan.assignments()).hasSize(matches ? 1 : 0);
    assertThat(reason(plan, "job")).isEqualTo(matches ? null : "no worker matches constraints " + constraint);
  }

  @Test
  void constraintsAreAndedAndSkipWorkersThatFailAny() {
    Constraint east = c("zone", ConstraintOp.EQ, "us-east");
    Constraint big = c("mem-gb", ConstraintOp.GE, "64");
    Plan plan = schedule(List.of(run("job", cpu(1), 2, east, big)), List.of(
        worker("w1", cpu(4), "zone", "us-east", "mem-gb", "32"),
        worker("w2", cpu(4), "zone", "us-west", "mem-gb", "128"),
        worker("w3", cpu(1), "zone", "us-east", "mem-gb", "64"),
        worker("w4", cpu(4), "zone", "us-east", "mem-gb", "256")));

    assertThat(placed(plan)).containsExactly("job/task-0 -> w3", "job/task-1 -> w4");
  }

  @Test
  void noWorkerMatchingAllConstraintsNamesThemAll() {
    Constraint east = c("zone", ConstraintOp.EQ, "us-east");
    Constraint tpu = c("accelerator", ConstraintOp.EXISTS, "");
    Plan plan = schedule(List.of(run("job", cpu(1), 1, east, tpu)), List.of(
        worker("w1", cpu(4), "zone", "us-east"), worker("w2", cpu(4), "accelerator", "v5")));

    assertThat(reason(plan, "job")).isEqualTo("no worker matches constraints zone=us-east, accelerator");
  }

  @Test
  void aMatchingButUnschedulableWorkerDoesNotCount() {
    Constraint east = c("zone", ConstraintOp.EQ, "us-east");
    Plan plan = schedule(List.of(run("job", cpu(1), 1, east)), List.of(
        unschedulable("w1", cpu(4), "zone", "us-east"), worker("w2", cpu(4), "zone", "us-west")));

    assertThat(plan.assignments()).isEmpty();
    assertThat(reason(plan, "job")).isEqualTo("no worker matches constraints zone=us-east");
  }

  @Test
  void runsWithDifferentConstraintsGetDifferentWorkers() {
    Plan plan = schedule(List.of(
            run("east", cpu(1), 1, c("zone", ConstraintOp.EQ, "us-east")),
            run("west", cpu(1), 1, c("zone", ConstraintOp.EQ, "us-west")),
            run("any", cpu(1), 1)),
        List.of(worker("w1", cpu(4), "zone", "us-west"), worker("w2", cpu(4), "zone", "us-east")));

    assertThat(placed(plan)).containsExactly("east/task-0 -> w2", "west/task-0 -> w1", "any/task-0 -> w1");
  }
}
