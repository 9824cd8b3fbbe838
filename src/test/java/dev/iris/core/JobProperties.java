package dev.iris.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Random sequences of operations on a job (assignments, reports with current, stale and unknown attempt
 * ids, delivery failures, worker failures, timeouts, kills) under random policies and replica counts,
 * applied at increasing instants. After every step the job's invariants must hold.
 */
class JobProperties {

  @Property(tries = 1500)
  void invariantsHoldAfterEveryStep(@ForAll("scenarios") Scenario scenario) {
    Checker checker = new Checker(scenario);
    long now = 1_000;
    for (Op op : scenario.ops()) {
      now += 10;
      checker.step(op, now);
    }
    Statistics.label("final job state").collect(checker.job.state());
    // the generator must keep reaching every job state, or the invariants are checked on too little
    Statistics.label("final job state").coverage(coverage -> {
      for (JobState s : JobState.values()) {
        coverage.check(s).count(times -> times >= 5);
      }
    });
  }

  // ------------------------------------------------------------------ the checker

  /** Applies operations and checks, after each, everything the effects and the job must agree on. */
  private static final class Checker {
    final Scenario scenario;
    final Job job;
    final int n;
    final TaskState[] fromEffects;
    JobState jobFromEffects = JobState.PENDING;
    /** Open reservations by task index, from the effects: started at assignment, ended by AttemptEnded. */
    final Map<Integer, Reservation> reservations = new HashMap<>();

    Checker(Scenario scenario) {
      this.scenario = scenario;
      List<Effect> effects = new ArrayList<>();
      this.job = Job.submit(scenario.spec(), 1_000, effects);
      this.n = job.numTasks();
      this.fromEffects = new TaskState[n];
      Arrays.fill(fromEffects, TaskState.PENDING);
      assertThat(effects).hasSize(n).allMatch(e -> e instanceof Effect.Enqueued);
      checkJob();
    }

    void step(Op op, long now) {
      Snapshot before = new Snapshot(job);
      int index = op.task() % n;
      int current = job.task(index).currentAttemptId();
      int named = op.attempt().resolve(job.task(index));
      boolean wasActive = job.task(index).state().isActive();
      Job.Result result = apply(op, index, named, now);
      String where = op + " (attempt " + named + ") on " + before;

      if (op.namesAnAttempt() && named != current) {
        assertThat(result.wasIgnored()).as("a message for another attempt is ignored: %s", where).isTrue();
      }
      if (op instanceof Report r && !r.state().isTerminal() && r.state() != TaskState.BUILDING
          && r.state() != TaskState.RUNNING) {
        assertThat(result.wasIgnored()).as("a %s report never moves a task: %s", r.state(), where).isTrue();
      }
      boolean endsAttempt = op instanceof WorkerFailed
          || op instanceof Report r && r.state().isTerminal() && r.state() != TaskState.UNSCHEDULABLE;
      if (endsAttempt && named == current && wasActive) {
        assertThat(result.effects()).as("an observed end releases the attempt: %s", where)
            .contains(new Effect.AttemptEnded(job.task(index).id(), current, before.tasks.get(index).worker(),
                false));
      }

      if (result.wasIgnored()) {
        assertThat(result.effects()).as("an ignored %s has no effects", where).isEmpty();
        assertThat(new Snapshot(job)).as("an ignored %s changes nothing", where).isEqualTo(before);
      }
      if (before.jobState.isTerminal()) {
        assertThat(result.wasIgnored()).as("a finished job ignores %s", where).isTrue();
      }

      int[] requeued = new int[n];
      int[] enqueued = new int[n];
      for (Effect e : result.effects()) {
        if (e instanceof Effect.TaskChanged c) {
          int i = c.task().index();
          assertThat(c.task().job()).isEqualTo(job.id());
          assertThat(TaskTransitions.allowed(c.from(), c.to()))
              .as("%s -> %s is a transition (%s)", c.from(), c.to(), where).isTrue();
          assertThat(c.from()).as("effect chain of task %d (%s)", i, where).isEqualTo(fromEffects[i]);
          fromEffects[i] = c.to();
          if (c.to() == TaskState.PENDING) {
            requeued[i]++;
          }
          if (c.to() == TaskState.ASSIGNED) {
            assertThat(reservations).as("one reservation per task (%s)", where).doesNotContainKey(i);
            reservations.put(i, new Reservation(c.attemptId(), c.workerId()));
          }
        } else if (e instanceof Effect.AttemptEnded a) {
          int i = a.task().index();
          Reservation r = reservations.remove(i);
          assertThat(r).as("an attempt ends only while it holds a reservation (%s)", where).isNotNull();
          assertThat(a.attemptId()).isEqualTo(r.attemptId());
          assertThat(a.workerId()).isEqualTo(r.workerId());
        } else if (e instanceof Effect.Enqueued q) {
          enqueued[q.task().index()]++;
        } else if (e instanceof Effect.JobChanged j) {
          assertThat(j.job()).isEqualTo(job.id());
          assertThat(j.from()).as("job effect chain (%s)", where).isEqualTo(jobFromEffects);
          assertThat(j.from().isTerminal()).as("a finished job never changes (%s)", where).isFalse();
          assertThat(j.to()).isNotEqualTo(JobState.PENDING).isNotEqualTo(j.from());
          jobFromEffects = j.to();
        }
      }
      assertThat(enqueued).as("every return to PENDING is enqueued once (%s)", where).isEqualTo(requeued);
      if (op instanceof Assign a && !result.wasIgnored()) {
        assertThat(reservations.get(index)).as("a committed assignment reserves (%s)", where)
            .isEqualTo(new Reservation(before.tasks.get(index).attempts(), a.worker()));
      }

      for (int i = 0; i < n; i++) {
        Task t = job.task(i);
        assertThat(t.state()).as("effects describe task %d (%s)", i, where).isEqualTo(fromEffects[i]);
        TaskSnapshot was = before.tasks.get(i);
        if (was.state().isTerminal()) {
          assertThat(new TaskSnapshot(t)).as("finished task %d never changes (%s)", i, where).isEqualTo(was);
        }
      }
      assertThat(job.state()).as("effects describe the job (%s)", where).isEqualTo(jobFromEffects);
      if (before.jobState.isTerminal()) {
        assertThat(new Snapshot(job)).isEqualTo(before);
      }
      checkJob();
    }

    private Job.Result apply(Op op, int index, int attemptId, long now) {
      if (op instanceof Assign a) {
        return job.assign(index, a.worker(), now);
      } else if (op instanceof Report r) {
        return job.report(index, attemptId, r.state(), r.exitCode(), "reported " + r.state(), null, now);
      } else if (op instanceof DeliveryFailed) {
        return job.deliveryFailed(index, attemptId, "unreachable", now);
      } else if (op instanceof WorkerFailed) {
        return job.workerFailed(index, attemptId, "worker lost", now);
      } else if (op instanceof Expire) {
        return job.expire(index, now);
      } else {
        return job.kill("user kill", now);
      }
    }

    /** What must hold of the job at rest. */
    private void checkJob() {
      JobSpec spec = scenario.spec();
      int[] recount = new int[TaskState.values().length];
      int sum = 0;
      boolean allFinished = true;
      for (int i = 0; i < n; i++) {
        Task t = job.task(i);
        recount[t.state().ordinal()]++;
        allFinished &= t.state().isTerminal();
        // retry counters never exceed their budget plus one, and reach it exactly when the task ends so
        assertThat(t.failureCount()).as("failures of task %d", i).isLessThanOrEqualTo(spec.maxRetriesFailure() + 1);
        assertThat(t.preemptionCount()).as("preemptions of task %d", i)
            .isLessThanOrEqualTo(spec.maxRetriesPreemption() + 1);
        assertThat(t.state() == TaskState.FAILED).as("task %d FAILED iff its failure budget is spent", i)
            .isEqualTo(t.failureCount() > spec.maxRetriesFailure());
        assertThat(t.state() == TaskState.WORKER_FAILED).as("task %d WORKER_FAILED iff its preemption budget is spent", i)
            .isEqualTo(t.preemptionCount() > spec.maxRetriesPreemption());
        assertThat(t.failureCount() + t.preemptionCount()).as("each counted end is an attempt of task %d", i)
            .isLessThanOrEqualTo(t.attempts().size());
        List<TaskAttempt> attempts = t.attempts();
        for (int k = 0; k < attempts.size(); k++) {
          assertThat(attempts.get(k).attemptId()).isEqualTo(k);
          if (k < attempts.size() - 1) {
            assertThat(attempts.get(k).isActive()).as("only the current attempt may be active").isFalse();
          }
        }
        TaskAttempt current = t.currentAttempt();
        if (t.state().isActive()) {
          assertThat(current.isActive()).isTrue();
          assertThat(current.state()).isEqualTo(t.state());
          assertThat(t.activeWorkerId()).isEqualTo(current.workerId());
        } else {
          assertThat(current == null || !current.isActive()).as("task %d %s holds no attempt", i, t.state()).isTrue();
          assertThat(t.activeWorkerId()).isNull();
        }
        if (t.state().isTerminal()) {
          assertThat(t.finishedAtMs()).isPositive();
          if (t.state() == TaskState.SUCCEEDED || t.state() == TaskState.FAILED
              || t.state() == TaskState.WORKER_FAILED) {
            // these ends come from an attempt (a KILLED or UNSCHEDULABLE task may have been PENDING)
            assertThat(current.state()).as("task %d ended as its last attempt did", i).isEqualTo(t.state());
          }
        }
        // resources: a reservation exists exactly for the active tasks, for their current attempt
        Reservation r = reservations.get(i);
        if (t.state().isActive()) {
          assertThat(r).as("task %d %s holds its reservation", i, t.state()).isNotNull();
          assertThat(r.attemptId()).isEqualTo(t.currentAttemptId());
          assertThat(r.workerId()).isEqualTo(t.activeWorkerId());
        } else {
          assertThat(r).as("task %d %s has released its reservation", i, t.state()).isNull();
        }
      }
      for (TaskState s : TaskState.values()) {
        assertThat(job.count(s)).as("count of %s", s).isEqualTo(recount[s.ordinal()]);
        sum += job.count(s);
      }
      assertThat(sum).isEqualTo(n);

      int[] counts = new int[TaskState.values().length];
      for (TaskState s : TaskState.values()) {
        counts[s.ordinal()] = job.count(s);
      }
      assertThat(JobRollup.derive(job.state(), counts, n, spec.maxTaskFailures()))
          .as("the job state is the rollup of its tasks").isEqualTo(job.state());
      assertThat(job.isFinished()).as("all tasks finished <=> job finished (never hangs)").isEqualTo(allFinished);
      if (job.isFinished()) {
        assertThat(JobRollup.derive(JobState.RUNNING, counts, n, spec.maxTaskFailures()))
            .as("a finished job's state is what its final counts derive").isEqualTo(job.state());
        assertThat(job.finishedAtMs()).isPositive();
        if (job.state() != JobState.SUCCEEDED) {
          assertThat(job.error()).as("a job that did not succeed says why").isNotEmpty();
        }
      }
      assertThat(job.state() == JobState.FAILED)
          .as("FAILED iff more terminal failures than tolerated; preemptions never count")
          .isEqualTo(job.count(TaskState.FAILED) > spec.maxTaskFailures());
    }
  }

  private record Reservation(int attemptId, String workerId) {}

  private record TaskSnapshot(TaskState state, String worker, int attempts, int currentAttempt,
      TaskState attemptState, int failures, int preemptions, long finishedAtMs, int exitCode, String error,
      long queuedAtMs) {
    TaskSnapshot(Task t) {
      this(t.state(), t.activeWorkerId(), t.attempts().size(), t.currentAttemptId(),
          t.currentAttempt() == null ? null : t.currentAttempt().state(), t.failureCount(), t.preemptionCount(),
          t.finishedAtMs(), t.exitCode(), t.error(), t.queuedAtMs());
    }
  }

  private record Snapshot(JobState jobState, String error, long finishedAtMs, List<TaskSnapshot> tasks) {
    Snapshot(Job job) {
      this(job.state(), job.error(), job.finishedAtMs(), job.tasks().stream().map(TaskSnapshot::new).toList());
    }

    @Override
    public String toString() {
      return jobState + " " + tasks.stream().map(t -> t.state() + "#" + t.currentAttempt()).toList();
    }
  }

  // ------------------------------------------------------------------ operations and generators

  /** Which attempt id an operation names, relative to the task's current attempt. */
  enum Sel {
    CURRENT, STALE, NEXT, NONE, ZERO;

    int resolve(Task t) {
      int current = t.currentAttemptId();
      return switch (this) {
        case CURRENT -> current;
        case STALE -> current - 1;
        case NEXT -> current + 1;
        case NONE -> -1;
        case ZERO -> 0;
      };
    }
  }

  sealed interface Op permits Assign, Report, DeliveryFailed, WorkerFailed, Expire, Kill {
    /** The task's index before the modulo of the replica count. */
    default int task() {
      return 0;
    }

    default Sel attempt() {
      return Sel.NONE;
    }

    default boolean namesAnAttempt() {
      return false;
    }
  }

  record Assign(int task, String worker) implements Op {}

  record Report(int task, Sel attempt, TaskState state, int exitCode) implements Op {
    @Override
    public boolean namesAnAttempt() {
      return true;
    }
  }

  record DeliveryFailed(int task, Sel attempt) implements Op {
    @Override
    public boolean namesAnAttempt() {
      return true;
    }
  }

  record WorkerFailed(int task, Sel attempt) implements Op {
    @Override
    public boolean namesAnAttempt() {
      return true;
    }
  }

  record Expire(int task) implements Op {}

  record Kill() implements Op {}

  record Scenario(int replicas, boolean gang, int maxTaskFailures, int maxRetriesFailure,
      int maxRetriesPreemption, List<Op> ops) {
    JobSpec spec() {
      return gang
          ? Fixtures.gang(replicas, maxTaskFailures, maxRetriesFailure, maxRetriesPreemption)
          : Fixtures.spec(replicas, maxTaskFailures, maxRetriesFailure, maxRetriesPreemption);
    }

    @Override
    public String toString() {
      return "replicas=" + replicas + " gang=" + gang + " max_task_failures=" + maxTaskFailures
          + " retries(failure=" + maxRetriesFailure + ", preemption=" + maxRetriesPreemption + ") ops=" + ops;
    }
  }

  @Provide
  Arbitrary<Scenario> scenarios() {
    return Combinators.combine(
            Arbitraries.integers().between(1, 5),
            Arbitraries.of(false, false, true),
            Arbitraries.integers().between(0, 2),
            Arbitraries.integers().between(0, 2),
            Arbitraries.integers().between(0, 3),
            ops().list().ofMinSize(1).ofMaxSize(80))
        .as(Scenario::new);
  }

  private Arbitrary<Op> ops() {
    Arbitrary<Integer> index = Arbitraries.integers().between(0, 4);
    Arbitrary<Sel> sel = Arbitraries.frequency(
        Tuple.of(12, Sel.CURRENT), Tuple.of(2, Sel.STALE), Tuple.of(1, Sel.NEXT), Tuple.of(1, Sel.NONE),
        Tuple.of(1, Sel.ZERO));
    Arbitrary<TaskState> reported = Arbitraries.frequency(
        Tuple.of(4, TaskState.RUNNING), Tuple.of(2, TaskState.BUILDING), Tuple.of(4, TaskState.SUCCEEDED),
        Tuple.of(4, TaskState.FAILED), Tuple.of(3, TaskState.WORKER_FAILED), Tuple.of(1, TaskState.KILLED),
        Tuple.of(1, TaskState.PENDING), Tuple.of(1, TaskState.ASSIGNED), Tuple.of(1, TaskState.UNSCHEDULABLE));
    Arbitrary<Op> assign = Combinators.combine(index, Arbitraries.integers().between(0, 3))
        .as((i, w) -> new Assign(i, "w" + w));
    Arbitrary<Op> report = Combinators.combine(index, sel, reported, Arbitraries.integers().between(-1, 2))
        .as(Report::new);
    Arbitrary<Op> delivery = Combinators.combine(index, sel).as(DeliveryFailed::new);
    Arbitrary<Op> lost = Combinators.combine(index, sel).as(WorkerFailed::new);
    Arbitrary<Op> expire = index.map(Expire::new);
    Arbitrary<Op> kill = Arbitraries.just(new Kill());
    return Arbitraries.frequencyOf(
        Tuple.of(30, assign), Tuple.of(45, report), Tuple.of(5, delivery), Tuple.of(5, lost),
        Tuple.of(1, expire), Tuple.of(1, kill));
  }
}
