package dev.iris.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.core.JobId;
import dev.iris.core.JobSpec;
import dev.iris.core.Resources;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;

/**
 * {@link GangFeasibility} agrees with the scheduler: a gang it calls never holdable is one the scheduler cannot
 * place on the same workers even when every one of them is idle, schedulable and free to start tasks, and a gang
 * it lets through is one the scheduler places on them.
 */
class GangFeasibilityProperties {

  @Provide
  net.jqwik.api.Arbitrary<Snapshots.Snapshot> snapshots() {
    return Snapshots.snapshots();
  }

  @Property(tries = 300)
  void neverHoldableIsExactlyWhatTheSchedulerCannotPlaceOnAnIdleCluster(@ForAll("snapshots") Snapshots.Snapshot s) {
    // the workers as registered: what they have now is taken as what they have in all, none busy or suspect
    List<WorkerView> idle = s.workers().stream()
        .map(w -> new WorkerView(w.workerId(), w.free(), w.attributes(), true, WorkerView.UNLIMITED)).toList();
    List<GangFeasibility.Member> members = idle.stream()
        .map(w -> new GangFeasibility.Member(w.free(), w.attributes())).toList();
    for (PendingRun run : s.queue()) {
      JobSpec spec = spec(run);
      var never = GangFeasibility.whyNever(spec, members);
      if (!run.isGang()) {
        assertThat(never).isEmpty();
        continue;
      }
      if (members.isEmpty()) {
        assertThat(never).as("no worker yet: the gang waits").isEmpty();
        continue;
      }
      PendingRun whole = new PendingRun(run.job(), run.perTask(), run.constraints(), run.coscheduleBy(),
          java.util.stream.IntStream.range(0, spec.replicas()).toArray());
      int placed = new Scheduler().schedule(List.of(whole), idle).assignments().size();
      Statistics.label("gang").collect(never.isPresent() ? "never" : "holdable");
      assertThat(never.isEmpty()).as("%s on %s: %s", run, idle, never).isEqualTo(placed == spec.replicas());
    }
  }

  @Test
  void aGpuGangCountsOnlyWorkersOfItsVariant() {
    JobSpec spec = spec(new PendingRun(JobId.of("g"), new Resources(1, 0, 0, 1, "h100"), List.of(), "slice",
        new int[] {0, 1}));
    List<GangFeasibility.Member> workers = List.of(
        new GangFeasibility.Member(new Resources(8, 0, 0, 8, "A100"), Map.of("slice", "s")),
        new GangFeasibility.Member(new Resources(8, 0, 0, 8, "H100"), Map.of("slice", "s")),
        new GangFeasibility.Member(new Resources(8, 0, 0, 8, "H100"), Map.of("slice", "t")));

    assertThat(GangFeasibility.whyNever(spec, workers)).contains("coscheduled job 'g' needs 2 workers with the same "
        + "'slice' that each have room for one task (1 cpu, 0 B memory, 0 B disk, 1 gpu h100); the largest such group, "
        + "slice=s, has 1 (of 3 registered workers)");
  }

  private static JobSpec spec(PendingRun run) {
    return new JobSpec(run.job(), List.of("true"), run.perTask(), run.taskCount(), Map.of(), List.of(),
        run.constraints(), run.coscheduleBy(), 0, 0, 0, 0, 0, List.of(), "", "alice");
  }
}
