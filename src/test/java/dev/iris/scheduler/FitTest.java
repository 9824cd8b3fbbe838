package dev.iris.scheduler;

import static dev.iris.scheduler.Fixtures.GIB;
import static dev.iris.scheduler.Fixtures.reason;
import static dev.iris.scheduler.Fixtures.run;
import static dev.iris.scheduler.Fixtures.schedule;
import static dev.iris.scheduler.Fixtures.worker;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.core.Resources;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Fit of one task on one worker, per dimension: placed exactly when it fits, otherwise a reason. */
class FitTest {
  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("cpu exactly", r(4, 0, 0, 0, ""), r(4, 0, 0, 0, ""), null),
        Arguments.of("cpu short", r(4, 0, 0, 0, ""), r(5, 0, 0, 0, ""), "no worker has 5 cpu free"),
        Arguments.of("memory exactly", r(1, 8 * GIB, 0, 0, ""), r(1, 8 * GIB, 0, 0, ""), null),
        Arguments.of("memory short", r(1, 8 * GIB, 0, 0, ""), r(1, 8 * GIB + 1, 0, 0, ""),
            "no worker has 8.0 GiB memory free"),
        Arguments.of("memory short, round", r(1, 4 * GIB, 0, 0, ""), r(1, 16 * GIB, 0, 0, ""),
            "no worker has 16 GiB memory free"),
        Arguments.of("disk exactly", r(0, 0, 100 * GIB, 0, ""), r(0, 0, 100 * GIB, 0, ""), null),
        Arguments.of("disk short", r(0, 0, 10 * GIB, 0, ""), r(0, 0, 100 * GIB, 0, ""),
            "no worker has 100 GiB disk free"),
        Arguments.of("gpu count exactly", r(0, 0, 0, 8, "a100"), r(0, 0, 0, 8, ""), null),
        Arguments.of("gpu count short", r(0, 0, 0, 2, "a100"), r(0, 0, 0, 4, ""), "no worker has 4 gpu free"),
        Arguments.of("gpu count short, variant named", r(0, 0, 0, 2, "a100"), r(0, 0, 0, 4, "a100"),
            "no worker has 4 gpu a100 free"),
        Arguments.of("no gpus at all", r(8, 0, 0, 0, ""), r(0, 0, 0, 1, ""), "no worker has 1 gpu free"),
        Arguments.of("gpu variant matches", r(0, 0, 0, 1, "a100"), r(0, 0, 0, 1, "a100"), null),
        Arguments.of("gpu variant ignores case", r(0, 0, 0, 1, "A100"), r(0, 0, 0, 1, "a100"), null),
        Arguments.of("gpu variant differs", r(0, 0, 0, 8, "a100"), r(0, 0, 0, 1, "h100"),
            "no worker has 1 gpu h100 free"),
        Arguments.of("any gpu variant", r(0, 0, 0, 1, "h100"), r(0, 0, 0, 1, ""), null),
        Arguments.of("variant without gpus is ignored", r(1, 0, 0, 0, ""), r(1, 0, 0, 0, "h100"), null),
        Arguments.of("empty request on empty worker", Resources.NONE, Resources.NONE, null),
        Arguments.of("all dimensions exactly", r(2, GIB, GIB, 1, "v5"), r(2, GIB, GIB, 1, "v5"), null));
  }

  private static Resources r(int cpu, long memory, long disk, int gpus, String variant) {
    return new Resources(cpu, memory, disk, gpus, variant);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void placesExactlyWhenItFits(String name, Resources free, Resources need, String expectedReason) {
    Plan plan = schedule(List.of(run("job", need, 1)), List.of(worker("w1", free)));

    boolean fits = expectedReason == null;
    assertThat(fits).as("agrees with Resources.fits").isEqualTo(free.fits(need));
    assertThat(plan.assignments()).hasSize(fits ? 1 : 0);
    assertThat(reason(plan, "job")).isEqualTo(expectedReason);
  }
}
