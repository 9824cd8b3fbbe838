package dev.iris.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.controller.state.AcceptMark;
import dev.iris.controller.state.ClusterState.AttemptReport;
import dev.iris.controller.state.ClusterState;
import dev.iris.controller.state.StoreConfig;
import dev.iris.controller.state.WorkerInstruction;
import dev.iris.controller.state.WorkerRecord;
import dev.iris.core.JobId;
import dev.iris.core.JobSpec;
import dev.iris.core.Resources;
import dev.iris.core.TaskAttempt;
import dev.iris.core.TaskId;
import dev.iris.core.TaskState;
import dev.iris.scheduler.Plan;
import dev.iris.scheduler.Scheduler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The dispatch protocol under every interleaving: the real controller state ({@link ClusterState} and the
 * real {@link Scheduler}) and two workers that admit RunTasks and KillTasks by the real rules
 * ({@link Admissions}), joined by a network that delivers messages in any order, delays them, and loses
 * RunTask answers to timeouts (after which the RunTask itself may still arrive). Heartbeats are taken at
 * random instants and delivered late. Whatever happens, no attempt starts twice, no attempt starts after
 * the controller moved its task on, and no task ever has two executions running at once.
 */
class DispatchProtocolProperties {
  enum Kind { SUBMIT, SCHEDULE, DELIVER, TIMEOUT, HEARTBEAT, FINISH }

  record Op(Kind kind, int a) {
    @Override
    public String toString() {
      return kind + "(" + a + ")";
    }
  }

  @Provide
  Arbitrary<List<Op>> interleavings() {
    Arbitrary<Kind> kind = Arbitraries.frequency(Tuple.of(2, Kind.SUBMIT), Tuple.of(4, Kind.SCHEDULE),
        Tuple.of(14, Kind.DELIVER), Tuple.of(2, Kind.TIMEOUT), Tuple.of(3, Kind.HEARTBEAT), Tuple.of(3, Kind.FINISH));
    return Combinators.combine(kind, Arbitraries.integers().between(0, 1_023)).as(Op::new)
        .list().ofMinSize(30).ofMaxSize(200);
  }

  @Property(tries = 500)
  void anAttemptStartsAtMostOnceAndNeverNextToAnotherOfItsTask(@ForAll("interleavings") List<Op> ops) {
    Run run = new Run();
    for (Op op : ops) {
      run.apply(op);
    }
    // then the network settles: everything still in flight arrives, heartbeats included
    for (int round = 0; round < 50 && !run.network.isEmpty(); round++) {
      run.apply(new Op(Kind.DELIVER, 0));
      if (round % 5 == 0) {
        run.apply(new Op(Kind.HEARTBEAT, round));
      }
    }
  }

  /** A message on the wire. */
  private sealed interface Msg {}

  private record RunMsg(String worker, TaskId task, int attempt) implements Msg {}

  /** A RunTask's answer: the acceptance mark, or null for a refusal. */
  private record RunAnswer(String worker, TaskId task, int attempt, AcceptMark mark) implements Msg {}

  private record KillMsg(String worker, TaskId task, int attempt, boolean fence) implements Msg {}

  private record KillAnswer(String worker, TaskId task, int attempt, boolean fence) implements Msg {}

  private record Heartbeat(String worker, AcceptMark mark, List<AttemptReport> list) implements Msg {}

  private record Report(String worker, AttemptReport report) implements Msg {}

  /** One worker process, by the worker's admission rules. */
  private static final class FakeWorker {
    final String id;
    final Admissions admissions = new Admissions(1_000);
    final Map<TaskId, Integer> current = new HashMap<>();
    final Map<TaskId, Long> seqOf = new HashMap<>();
    final Map<TaskId, Integer> running = new LinkedHashMap<>();
    /** Ended attempts whose terminal report is still on the wire: heartbeats list them. */
    final Map<TaskId, AttemptReport> unacknowledged = new HashMap<>();

    FakeWorker(String id) {
      this.id = id;
    }

    AcceptMark mark() {
      return new AcceptMark(admissions.incarnation(), admissions.acceptedSeq());
    }
  }

  private static final class Run {
    final ClusterState state = new ClusterState(StoreConfig.DEFAULT);
    final Scheduler scheduler = new Scheduler();
    final Map<String, FakeWorker> workers = new LinkedHashMap<>();
    final List<Msg> network = new ArrayList<>();
    /** RunTasks whose answer nobody waits for any more (the dispatcher gave up on them). */
    final Set<RunMsg> abandoned = new HashSet<>();
    final Set<String> executions = new HashSet<>();
    int jobs;
    long now = 1_000;

    Run() {
      for (String id : List.of("w1", "w2")) {
        FakeWorker w = new FakeWorker(id);
        workers.put(id, w);
        state.registerWorker(new WorkerRecord.Registration(id, id + ":1", Resources.of(4, 1L << 34), Map.of(),
            id, "10.0.0.1", 3, w.admissions.incarnation()), w.mark(), List.of(), now);
      }
    }

    void apply(Op op) {
      now += 10;
      switch (op.kind()) {
        case SUBMIT -> state.submit(JobSpec.simple(JobId.of("j" + jobs++), List.of("true"),
            Resources.of(op.a() % 2, 0), 1 + op.a() % 3), null, now);
        case SCHEDULE -> {
          ClusterState.SchedulingInput in = state.schedulingInput();
          Plan plan = scheduler.schedule(in.queue(), in.workers());
          state.commit(plan, now);
        }
        case DELIVER -> {
          if (!network.isEmpty()) {
            deliver(network.remove(op.a() % network.size()));
          }
        }
        case TIMEOUT -> timeOut(op.a());
        case HEARTBEAT -> {
          FakeWorker w = pick(op.a());
          List<AttemptReport> list = new ArrayList<>();
          w.running.forEach((task, attempt) -> list.add(report(w, task, attempt, TaskState.RUNNING)));
          list.addAll(w.unacknowledged.values());
          network.add(new Heartbeat(w.id, w.mark(), list));
        }
        case FINISH -> {
          FakeWorker w = pick(op.a());
          if (!w.running.isEmpty()) {
            TaskId task = new ArrayList<>(w.running.keySet()).get(op.a() % w.running.size());
            end(w, task, TaskState.SUCCEEDED);
          }
        }
      }
      ClusterState.Drained d = state.outbox().drain();
      for (WorkerInstruction c : d.commands()) {
        if (c instanceof WorkerInstruction.RunTask r) {
          network.add(new RunMsg(r.workerId(), r.task(), r.attemptId()));
        } else if (c instanceof WorkerInstruction.KillTask k) {
          network.add(new KillMsg(k.workerId(), k.task(), k.attemptId(), k.fence()));
        }
      }
    }

    private FakeWorker pick(int n) {
      return new ArrayList<>(workers.values()).get(n % workers.size());
    }

    /** The dispatcher gives up on a RunTask: its answer is lost; the RunTask itself may still arrive. */
    private void timeOut(int n) {
      List<Msg> outstanding = network.stream()
          .filter(m -> (m instanceof RunMsg r && !abandoned.contains(r)) || m instanceof RunAnswer).toList();
      if (outstanding.isEmpty()) {
        return;
      }
      Msg m = outstanding.get(n % outstanding.size());
      if (m instanceof RunMsg r) {
        abandoned.add(r);
        if (n % 2 == 0) {
          network.remove(r); // lost for good this time
        }
        state.deliveryFailed(r.task(), r.attempt(), r.worker(), "timed out", true, now);
      } else if (m instanceof RunAnswer a) {
        network.remove(a);
        state.deliveryFailed(a.task(), a.attempt(), a.worker(), "timed out", true, now);
      }
    }

    private void deliver(Msg m) {
      if (m instanceof RunMsg r) {
          FakeWorker w = workers.get(r.worker());
          int current = w.current.getOrDefault(r.task(), -1);
          AcceptMark answer = null;
          switch (w.admissions.judge(r.task().toString(), r.attempt(), current)) {
            case REPEAT -> answer = new AcceptMark(w.admissions.incarnation(), w.seqOf.get(r.task()));
            case REFUSE -> { }
            case ACCEPT -> {
              long seq = w.admissions.accept(r.task().toString(), r.attempt());
              if (w.running.containsKey(r.task())) {
                end(w, r.task(), TaskState.KILLED); // superseded: the worker stops the older attempt first
              }
              w.current.put(r.task(), r.attempt());
              w.seqOf.put(r.task(), seq);
              start(w, r.task(), r.attempt());
              answer = new AcceptMark(w.admissions.incarnation(), seq);
            }
          }
          if (!abandoned.contains(r)) {
            network.add(new RunAnswer(r.worker(), r.task(), r.attempt(), answer));
          }
      } else if (m instanceof RunAnswer a) {
          if (a.mark() != null) {
            state.delivered(a.task(), a.attempt(), a.worker(), a.mark());
          } else {
            state.deliveryFailed(a.task(), a.attempt(), a.worker(), "refused", true, now);
          }
      } else if (m instanceof KillMsg k) {
          FakeWorker w = workers.get(k.worker());
          int current = w.current.getOrDefault(k.task(), -1);
          if (w.admissions.kill(k.task().toString(), k.attempt(), current)
              && Integer.valueOf(k.attempt()).equals(w.running.get(k.task()))) {
            end(w, k.task(), TaskState.KILLED);
          }
          network.add(new KillAnswer(k.worker(), k.task(), k.attempt(), k.fence()));
      } else if (m instanceof KillAnswer k) {
          if (k.fence()) {
            state.fenced(k.task(), k.attempt(), k.worker(), now);
          }
      } else if (m instanceof Heartbeat h) {
        state.heartbeat(h.worker(), h.mark(), h.list(), now);
      } else if (m instanceof Report r) {
          state.report(r.worker(), r.report(), now);
          FakeWorker w = workers.get(r.worker());
          if (r.report().state().isTerminal() && r.report().equals(w.unacknowledged.get(r.report().task()))) {
            w.unacknowledged.remove(r.report().task());
          }
      }
    }

    private void start(FakeWorker w, TaskId task, int attempt) {
      assertThat(executions.add(task + "#" + attempt)).as("attempt %d of %s started twice", attempt, task).isTrue();
      TaskAttempt current = state.job(task.job()).orElseThrow().task(task.index()).currentAttempt();
      assertThat(current.attemptId()).as("%s started attempt %d, superseded by %d", w.id, attempt,
          current.attemptId()).isEqualTo(attempt);
      assertThat(current.isActive()).as("%s started attempt %d of %s after it ended", w.id, attempt, task).isTrue();
      for (FakeWorker other : workers.values()) {
        assertThat(other.running.containsKey(task)).as("%s runs %s#%s while %s starts #%d", other.id, task,
            other.running.get(task), w.id, attempt).isFalse();
      }
      w.running.put(task, attempt);
      network.add(new Report(w.id, report(w, task, attempt, TaskState.RUNNING)));
    }

    private void end(FakeWorker w, TaskId task, TaskState how) {
      int attempt = w.running.remove(task);
      AttemptReport r = report(w, task, attempt, how);
      w.unacknowledged.put(task, r);
      network.add(new Report(w.id, r));
    }

    private static AttemptReport report(FakeWorker w, TaskId task, int attempt, TaskState s) {
      return new AttemptReport(task, attempt, s, 0, "", null, w.seqOf.getOrDefault(task, 0L));
    }
  }
}
