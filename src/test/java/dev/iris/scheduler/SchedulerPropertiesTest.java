package dev.iris.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.core.JobId;
import dev.iris.core.Resources;
import dev.iris.core.TaskId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** Invariants of the scheduler over random snapshots (see {@link Snapshots}). */
class SchedulerPropertiesTest {
  private final Scheduler scheduler = new Scheduler();

  @Property(tries = 200)
  void placesExactlyWhatTheReferenceDoes(@ForAll("snapshots") Snapshots.Snapshot s) {
    Plan plan = scheduler.schedule(s.queue(), s.workers());

    assertThat(plan.assignments()).isEqualTo(ReferenceScheduler.schedule(s.queue(), s.workers()));
  }

  @Property(tries = 200)
  void neverOverCommitsAWorkerInAnyDimension(@ForAll("snapshots") Snapshots.Snapshot s) {
    Plan plan = scheduler.schedule(s.queue(), s.workers());

    Map<String, long[]> used = new HashMap<>();
    for (Assignment a : plan.assignments()) {
      Resources need = s.run(a.task()).perTask();
      WorkerView w = s.worker(a.workerId());
      long[] u = used.computeIfAbsent(a.workerId(), k -> new long[4]);
      u[0] += need.cpu();
      u[1] += need.memoryBytes();
      u[2] += need.diskBytes();
      u[3] += need.gpus();
      if (need.gpus() > 0 && !need.gpuVariant().isEmpty()) {
        assertThat(need.gpuVariant()).isEqualToIgnoringCase(w.free().gpuVariant());
      }
    }
    used.forEach((id, u) -> {
      Resources free = s.worker(id).free();
      assertThat(u).as(id).satisfies(x -> assertThat(
          x[0] <= free.cpu() && x[1] <= free.memoryBytes() && x[2] <= free.diskBytes() && x[3] <= free.gpus())
          .isTrue());
    });
  }

  @Property(tries = 200)
  void assignsEachQueuedTaskAtMostOnce(@ForAll("snapshots") Snapshots.Snapshot s) {
    Plan plan = scheduler.schedule(s.queue(), s.workers());

    Set<TaskId> seen = new HashSet<>();
    for (Assignment a : plan.assignments()) {
      assertThat(seen.add(a.task())).as("assigned twice: %s", a.task()).isTrue();
      assertThat(s.run(a.task())).as("not in the queue: %s", a.task()).isNotNull();
    }
  }

  @Property(tries = 200)
  void assignedWorkersAreSchedulableAndSatisfyConstraints(@ForAll("snapshots") Snapshots.Snapshot s) {
    Plan plan = scheduler.schedule(s.queue(), s.workers());

    for (Assignment a : plan.assignments()) {
      WorkerView w = s.worker(a.workerId());
      assertThat(w.schedulable()).isTrue();
      assertThat(s.run(a.task()).constraints()).allMatch(c -> c.matches(w.attributes()));
    }
  }

  @Property(tries = 200)
  void gangsArePlacedWholeOnDistinctWorkersOfOneGroup(@ForAll("snapshots") Snapshots.Snapshot s) {
    Plan plan = scheduler.schedule(s.queue(), s.workers());

    Map<JobId, List<Assignment>> byJob = plan.assignments().stream()
        .collect(Collectors.groupingBy(a -> a.task().job()));
    for (PendingRun run : s.queue()) {
      List<Assignment> placed = byJob.getOrDefault(run.job(), List.of());
      if (!run.isGang() || placed.isEmpty()) {
        continue;
      }
      assertThat(placed).hasSize(run.taskCount());
      assertThat(placed.stream().map(Assignment::workerId).distinct()).hasSize(run.taskCount());
      assertThat(placed.stream().map(a -> s.worker(a.workerId()).attributes().get(run.coscheduleBy())).distinct())
          .hasSize(1).doesNotContainNull();
    }
  }

  @Property(tries = 200)
  void everyJobLeftWaitingHasAReasonAndNoOtherDoes(@ForAll("snapshots") Snapshots.Snapshot s) {
    Plan plan = scheduler.schedule(s.queue(), s.workers());

    Map<JobId, Long> placed = plan.assignments().stream()
        .collect(Collectors.groupingBy(a -> a.task().job(), Collectors.counting()));
    for (PendingRun run : s.queue()) {
      boolean waiting = placed.getOrDefault(run.job(), 0L) < run.taskCount();
      assertThat(plan.pendingReason(run.job())).as(run.job().value())
          .satisfies(r -> assertThat(r == null).isEqualTo(!waiting));
    }
  }

  @Property(tries = 200)
  void isDeterministicAndIgnoresObjectIdentity(@ForAll("snapshots") Snapshots.Snapshot s) {
    Plan first = scheduler.schedule(s.queue(), s.workers());

    List<PendingRun> copies = new ArrayList<>();
    for (PendingRun r : s.queue()) {
      copies.add(new PendingRun(JobId.of(r.job().value()), r.perTask().plus(Resources.NONE),
          new ArrayList<>(r.constraints()), r.coscheduleBy(), r.taskIndices()));
    }
    assertThat(new Scheduler().schedule(s.queue(), s.workers())).isEqualTo(first);
    assertThat(scheduler.schedule(copies, new ArrayList<>(s.workers()))).isEqualTo(first);
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<Snapshots.Snapshot> snapshots() {
    return Snapshots.snapshots();
  }
}
