package dev.iris.controller.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.controller.state.ClusterState.Drained;
import dev.iris.controller.state.RandomCommands.Op;
import dev.iris.core.Endpoint;
import dev.iris.core.Job;
import dev.iris.core.JobId;
import dev.iris.core.Task;
import dev.iris.core.TaskAttempt;
import dev.iris.core.TaskId;
import dev.iris.core.TaskState;
import dev.iris.scheduler.PendingRun;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random sequences of store commands ({@link RandomCommands}: submit, plan and commit, stale plans, worker
 * reports good and stale, deliveries, delivery failures and fencing, heartbeats, re-registrations, time
 * passing, ticks, probes, terminate, endpoints, reconfiguration), each applied as the store applies it, as a
 * {@link Mutation}, keep the store's bookkeeping consistent after every command; and a finished job never changes.
 */
class ClusterStateProperties {

  @Provide
  Arbitrary<List<Op>> commands() {
    return RandomCommands.commands();
  }

  @Property(tries = 400)
  void bookkeepingStaysConsistentAfterEveryCommand(@ForAll("commands") List<Op> ops) {
    Run run = new Run();
    for (Op op : ops) {
      run.script.apply(op);
      run.check(op);
    }
  }

  /** The store under test and what the property remembers between commands. */
  private static final class Run {
    final Store s = new Store(RandomCommands.CONFIG);
    final RandomCommands script = new RandomCommands(s.state, (m, at) -> m.applyTo(s.state, at));
    long lastSequence;
    /** Each finished job seen, as it was when first seen finished. */
    final java.util.Map<Job, String> finished = new java.util.IdentityHashMap<>();

    void check(Op op) {
      // a finished job never changes again: a snapshot reads its tasks after the store moved on
      for (Job j : s.state.jobs()) {
        if (j.isFinished()) {
          finished.putIfAbsent(j, j.image().toString());
        }
      }
      finished.forEach((j, then) -> assertThat(j.image().toString()).as("finished %s after %s", j.id(), op)
          .isEqualTo(then));

      Drained d = s.drain();
      for (StoreEvent e : d.events()) {
        assertThat(e.sequence()).as("after %s", op).isEqualTo(++lastSequence);
      }
      for (WorkerInstruction cmd : d.commands()) {
        if (cmd instanceof WorkerInstruction.RunTask run) {
          Task t = s.task(run.task().toString());
          assertThat(t.attempts()).as("after %s", op)
              .filteredOn(a -> a.attemptId() == run.attemptId()).singleElement()
              .satisfies(a -> assertThat(a.workerId()).isEqualTo(run.workerId()));
          assertThat(run.numTasks()).isEqualTo(s.job(run.task().job().value()).numTasks());
        }
      }
      s.assertConsistent();

      // endpoints exist only for unfinished jobs and, when registered by a task, for its active attempt
      for (Endpoint e : s.state.endpoints().list("")) {
        Job j = s.state.job(e.job()).orElseThrow();
        assertThat(j.isFinished()).as("endpoint %s of finished %s after %s", e.name(), j.id(), op).isFalse();
        if (e.task() != null) {
          TaskAttempt at = j.task(e.task().index()).currentAttempt();
          assertThat(at.attemptId() == e.attemptId() && at.isActive())
              .as("endpoint %s of ended attempt after %s", e.name(), op).isTrue();
        }
      }

      // every PENDING task of an unfinished job is offered exactly once; a gang is never half placed
      Set<TaskId> offered = new HashSet<>();
      for (PendingRun r : s.state.schedulingInput().queue()) {
        for (int i : r.taskIndices()) {
          assertThat(offered.add(new TaskId(r.job(), i))).as("offered twice after %s", op).isTrue();
        }
      }
      for (Job j : s.state.jobs()) {
        int active = j.count(TaskState.ASSIGNED) + j.count(TaskState.BUILDING) + j.count(TaskState.RUNNING);
        if (j.spec().isGang() && !j.isFinished()) {
          assertThat(active > 0 && j.count(TaskState.PENDING) > 0).as("half-placed gang %s after %s", j.id(), op)
              .isFalse();
        }
        for (Task t : j.tasks()) {
          assertThat(offered.contains(t.id()))
              .as("%s is %s in %s job %s after %s", t.id(), t.state(), j.state(), j.id(), op)
              .isEqualTo(t.state() == TaskState.PENDING && !j.isFinished());
        }
      }
    }
  }
}
