package dev.iris.controller.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.controller.state.ClusterState.AttemptReport;
import dev.iris.controller.state.ClusterState.Drained;
import dev.iris.core.Endpoint;
import dev.iris.core.Job;
import dev.iris.core.JobId;
import dev.iris.core.Resources;
import dev.iris.core.Task;
import dev.iris.core.TaskAttempt;
import dev.iris.core.TaskId;
import dev.iris.core.TaskState;
import dev.iris.scheduler.PendingRun;
import dev.iris.scheduler.Plan;
import dev.iris.scheduler.Scheduler;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Random sequences of store commands (submit, plan and commit, stale plans, worker reports good and
 * stale, delivery failures, heartbeats, re-registrations, time passing, liveness checks, scheduling
 * timeouts, terminate, endpoints) keep the store's bookkeeping consistent after every command.
 */
class ClusterStateProperties {
  private static final String SLICE = "slice";
  private static final TaskState[] REPORTED = {TaskState.BUILDING, TaskState.RUNNING, TaskState.SUCCEEDED,
      TaskState.FAILED, TaskState.WORKER_FAILED, TaskState.KILLED, TaskState.PENDING};

  enum Kind {
    SUBMIT, SCHEDULE, HOLD_PLAN, COMMIT_HELD, REPORT, STALE_REPORT, DELIVERY_FAILED, HEARTBEAT, REREGISTER,
    ADVANCE, LIVENESS, EXPIRE, TERMINATE, ENDPOINT
  }

  /** One command; its numbers pick the job, task, worker, state and so on when it is applied. */
  record Op(Kind kind, int a, int b, int c) {
    @Override
    public String toString() {
      return kind + "(" + a + "," + b + "," + c + ")";
    }
  }

  @Provide
  Arbitrary<List<Op>> commands() {
    Arbitrary<Kind> kind = Arbitraries.frequency(
        Tuple.of(5, Kind.SUBMIT), Tuple.of(5, Kind.SCHEDULE), Tuple.of(1, Kind.HOLD_PLAN),
        Tuple.of(1, Kind.COMMIT_HELD), Tuple.of(8, Kind.REPORT), Tuple.of(2, Kind.STALE_REPORT),
        Tuple.of(2, Kind.DELIVERY_FAILED), Tuple.of(3, Kind.HEARTBEAT), Tuple.of(2, Kind.REREGISTER),
        Tuple.of(3, Kind.ADVANCE), Tuple.of(2, Kind.LIVENESS), Tuple.of(1, Kind.EXPIRE),
        Tuple.of(1, Kind.TERMINATE), Tuple.of(1, Kind.ENDPOINT));
    Arbitrary<Integer> n = Arbitraries.integers().between(0, 2_047);
    return Combinators.combine(kind, n, n, n).as(Op::new).list().ofMinSize(20).ofMaxSize(120);
  }

  @Property(tries = 400)
  void bookkeepingStaysConsistentAfterEveryCommand(@ForAll("commands") List<Op> ops) {
    Run run = new Run();
    for (Op op : ops) {
      run.apply(op);
      run.check(op);
    }
  }

  /** The store under test and what the property remembers between commands. */
  private static final class Run {
    final Store s = new Store(Store.CONFIG.withJobRetention(new StoreConfig.JobRetention(5_000, 20)));
    Plan held;
    long lastSequence;

    Run() {
      for (int i = 0; i < 5; i++) {
        s.worker(registration(i));
      }
    }

    /** Slice s0 of three workers (w0-w2) and slice s1 of two (w3, w4), w4 smaller. */
    static WorkerRecord.Registration registration(int i) {
      return Store.registration("w" + i, Resources.of(i < 4 ? 4 : 2, 64 * Store.GIB), SLICE, i < 3 ? "s0" : "s1",
          Scheduler.WORKER_INDEX_ATTRIBUTE, String.valueOf(i < 3 ? i : i - 3));
    }

    void apply(Op op) {
      int a = op.a();
      int b = op.b();
      int c = op.c();
      switch (op.kind()) {
        case SUBMIT -> {
          String root = "j" + a % 5;
          String id = b % 4 == 0 ? "j" + (a / 5) % 5 + "/c" : root;
          Store.Spec spec = Store.spec(id).replicas(1 + b % 3).cpu(1 + c % 3)
              .retries((c / 3) % 3, (c / 9) % 3).maxTaskFailures((b / 3) % 2)
              .schedulingTimeoutMs((a / 25) % 3 == 0 ? 3_000 : 0);
          if ((b / 6) % 4 == 0) {
            spec.gang(SLICE);
          }
          try {
            s.submit(spec);
          } catch (StoreException expected) {
            // running id, unknown or finished parent: refused without a change
          }
        }
        case SCHEDULE -> s.schedule();
        case HOLD_PLAN -> held = s.plan();
        case COMMIT_HELD -> {
          if (held != null) {
            s.state.commit(held, s.now);
            held = null;
          }
        }
        case REPORT -> {
          List<Task> active = tasks(t -> t.state().isActive());
          if (!active.isEmpty()) {
            TaskAttempt at = active.get(a % active.size()).currentAttempt();
            Task t = active.get(a % active.size());
            s.report(at.workerId(), t.id().toString(), at.attemptId(), REPORTED[b % REPORTED.length]);
          }
        }
        case STALE_REPORT -> {
          List<Task> tried = tasks(t -> !t.attempts().isEmpty());
          if (!tried.isEmpty()) {
            Task t = tried.get(a % tried.size());
            TaskAttempt at = t.attempts().get(c % t.attempts().size());
            String worker = b % 2 == 0 ? at.workerId() : "w" + (b / 2) % 5;
            s.report(worker, t.id().toString(), at.attemptId(), REPORTED[(b / 10) % REPORTED.length]);
          }
        }
        case DELIVERY_FAILED -> {
          List<Task> assigned = tasks(t -> t.state() == TaskState.ASSIGNED);
          if (!assigned.isEmpty()) {
            Task t = assigned.get(a % assigned.size());
            s.state.deliveryFailed(t.id(), t.currentAttemptId(), t.activeWorkerId(), "refused", s.now);
          }
        }
        case HEARTBEAT -> s.state.heartbeat("w" + a % 5, listed("w" + a % 5, b, c), s.now);
        case REREGISTER -> s.state.registerWorker(registration(a % 5), listed("w" + a % 5, b, c), s.now);
        case ADVANCE -> {
          s.advance(a * 4L);
          s.state.forgetFinishedJobs(s.now); // finished jobs older than 5 s, or beyond 20 tasks, are forgotten
        }
        case LIVENESS -> {
          if (b % 3 == 0) { // a silence: every worker not heard from in the last 6 s is lost
            s.advance(6_000);
            for (int i = 0; i < 5; i++) {
              if ((c >> i & 1) == 1) {
                s.state.heartbeat("w" + i, listed("w" + i, -1, 0), s.now - 1_000);
              }
            }
          }
          s.state.checkWorkerLiveness(s.now);
        }
        case EXPIRE -> s.state.expireSchedulingTimeouts(s.now);
        case TERMINATE -> {
          JobId id = JobId.of(b % 2 == 0 ? "j" + a % 5 : "j" + a % 5 + "/c");
          if (s.state.job(id).isPresent()) {
            s.state.terminate(id, "user", s.now);
          }
        }
        case ENDPOINT -> {
          List<Task> active = tasks(t -> t.state().isActive());
          if (!active.isEmpty()) {
            Task t = active.get(a % active.size());
            s.state.registerEndpoint("ep" + b, "h:" + c, t.id().job(), t.id(), t.currentAttemptId(),
                null, s.now);
          }
        }
        default -> throw new IllegalStateException(op.toString());
      }
    }

    /**
     * What a worker lists on a heartbeat: its active attempts selected by the bits of {@code mask}, each
     * as the controller knows it or (bits of {@code ends}) already ended, then perhaps the ended attempts
     * it still keeps, and now and then one it should not run.
     */
    List<AttemptReport> listed(String workerId, int mask, int ends) {
      List<AttemptReport> out = new ArrayList<>();
      int bit = 0;
      for (Task t : tasks(t -> workerId.equals(t.activeWorkerId()))) {
        bit++;
        if ((mask >> (bit % 10) & 1) == 1) {
          TaskState st = (ends >> (bit % 10) & 1) == 1 ? (bit % 2 == 0 ? TaskState.SUCCEEDED : TaskState.FAILED)
              : t.state();
          out.add(new AttemptReport(t.id(), t.currentAttemptId(), st, st == TaskState.FAILED ? 1 : 0, "", null));
        }
      }
      if ((ends >> 10 & 1) == 1) { // ended attempts it still keeps, after the current ones
        for (Task t : tasks(t -> true)) {
          for (TaskAttempt at : t.attempts()) {
            if (!at.isActive() && at.workerId().equals(workerId)) {
              out.add(new AttemptReport(t.id(), at.attemptId(), at.state(), at.exitCode(), "", null));
            }
          }
        }
      }
      if (ends % 7 == 0) {
        out.add(new AttemptReport(TaskId.parse("ghost/task-0"), 3, TaskState.RUNNING, 0, "", null));
      }
      return out;
    }

    List<Task> tasks(java.util.function.Predicate<Task> which) {
      List<Task> out = new ArrayList<>();
      for (Job j : s.state.jobs()) {
        for (Task t : j.tasks()) {
          if (which.test(t)) {
            out.add(t);
          }
        }
      }
      return out;
    }

    void check(Op op) {
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
