package dev.iris.controller.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.controller.state.AcceptMark;
import dev.iris.controller.state.ClusterState;
import dev.iris.controller.state.Mutation;
import dev.iris.controller.state.RandomCommands;
import dev.iris.controller.state.RandomCommands.Op;
import dev.iris.controller.state.StateImage;
import dev.iris.controller.state.WorkerRecord;
import dev.iris.core.JobId;
import dev.iris.core.Refusal;
import dev.iris.core.Task;
import dev.iris.core.TaskAttempt;
import dev.iris.core.auth.Caller;
import dev.iris.core.auth.Role;
import dev.iris.scheduler.Plan;
import dev.iris.scheduler.Scheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * The journal is faithful: any random sequence of commands ({@link RandomCommands}), stored as journal records
 * (each mutation encoded with the instant it was applied at) and recovered (decoded and applied again), gives
 * the same state as the live store: jobs, specs and bundles, tasks, every attempt, workers and what they hold,
 * endpoints, the pending queue, the event sequence and every retained event, the action log, and every answer
 * the API and the dashboard read from them ({@link StateDump}).
 *
 * <p>Two replays. A follower applies each record right after the live store applied its mutation, and answers,
 * refuses and produces (events, worker instructions, probes, scheduler nudges) exactly what the live store
 * did, so the two agree after every command. A recovery applies the whole journal to a fresh store at the
 * end, without ever draining its outbox, as a restarted controller would: what a replay produces does not
 * feed back into the state. The journal it replays leaves out every mutation the live store refused: a
 * refusal changes nothing. After recovery, the same commands applied to the live and the recovered store
 * still agree, which reaches what the state keeps but does not show (who registered each worker id, when each
 * worker was last probed, where a reused job id numbers its attempts from, the next endpoint id, the order in
 * which finished jobs are forgotten).
 */
class JournalReplayProperties {

  @Provide
  Arbitrary<List<Op>> commands() {
    return RandomCommands.commands();
  }

  @Property(tries = 400)
  void aJournalStoredAndRecoveredGivesTheLiveState(@ForAll("commands") List<Op> ops) {
    ClusterState live = new ClusterState(RandomCommands.CONFIG);
    Twins twins = new Twins(live, new ClusterState(RandomCommands.CONFIG));
    RandomCommands script = new RandomCommands(live, twins::apply);
    for (Op op : ops) {
      script.apply(op);
      assertThat(StateDump.domain(twins.other)).as("state after %s", op).isEqualTo(StateDump.domain(live));
    }
    twins.assertAgree("at the end");

    ClusterState recovered = new ClusterState(RandomCommands.CONFIG);
    for (byte[] record : twins.journal) {
      MutationCodec.Decoded d = MutationCodec.decode(record);
      d.mutation().applyTo(recovered, d.nowMs()); // a refused mutation was not journaled: none throws here
    }
    Twins afterRestart = new Twins(live, recovered);
    afterRestart.assertAgree("after recovery from " + twins.journal.size() + " records");

    // what the replay produced is all the live store ever published and sent, again: recovery must drop it
    ClusterState.Drained replayed = recovered.outbox().drain();
    assertThat(replayed.events()).as("events replayed").isEqualTo(twins.produced.events());
    assertThat(replayed.commands()).as("worker instructions replayed").isEqualTo(twins.produced.commands());
    assertThat(replayed.probes()).as("probes replayed").isEqualTo(twins.produced.probes());
    assertThat(replayed.wakeScheduler()).isEqualTo(twins.produced.wakeScheduler());
    afterRestart.epilogue(script.now());
  }

  /**
   * A snapshot is faithful: the state's image taken after any command (and encoded only once the live store has
   * moved on, as the store does, on another thread), decoded, restored, and given the journal's records after it,
   * gives the live state; restored alone it gives the state as it was when the image was taken.
   */
  @Property(tries = 400)
  void aSnapshotAtAnyPointAndTheRecordsAfterItGiveTheLiveState(@ForAll("commands") List<Op> ops,
      @ForAll @IntRange(min = 0, max = 200) int at) {
    ClusterState live = new ClusterState(RandomCommands.CONFIG);
    List<byte[]> journal = new ArrayList<>();
    RandomCommands script = new RandomCommands(live, (m, now) -> {
      byte[] record = MutationCodec.encode(m, now);
      try {
        m.applyTo(live, now);
      } catch (RuntimeException e) {
        live.outbox().drain();
        if (e instanceof Refusal) {
          throw e; // an answer: not journaled
        }
        throw new AssertionError("the live store failed on " + m, e);
      }
      live.outbox().drain();
      journal.add(record);
    });
    int snapshotAfter = at % (ops.size() + 1);
    StateImage image = null;
    int recordsInSnapshot = 0;
    List<String> stateAtSnapshot = null;
    List<Object> answersAtSnapshot = null;
    for (int i = 0; i <= ops.size(); i++) {
      if (i == snapshotAfter) {
        image = live.image();
        recordsInSnapshot = journal.size();
        stateAtSnapshot = StateDump.domain(live);
        answersAtSnapshot = StateDump.answers(live);
      }
      if (i < ops.size()) {
        script.apply(ops.get(i));
      }
    }
    byte[] snapshot = StateSnapshotCodec.encode(image); // the live store moved on since the image was taken
    Statistics.label("snapshot after records").collect(recordsInSnapshot < 10 ? "<10" : recordsInSnapshot < 50
        ? "<50" : ">=50");

    ClusterState asTaken = ClusterState.restore(StateSnapshotCodec.decode(snapshot));
    assertThat(StateDump.domain(asTaken)).as("the state the image was taken of").isEqualTo(stateAtSnapshot);
    assertThat(StateDump.answers(asTaken)).as("its answers").isEqualTo(answersAtSnapshot);

    ClusterState recovered = ClusterState.restore(StateSnapshotCodec.decode(snapshot));
    for (byte[] record : journal.subList(recordsInSnapshot, journal.size())) {
      MutationCodec.Decoded d = MutationCodec.decode(record);
      d.mutation().applyTo(recovered, d.nowMs());
    }
    recovered.outbox().drain();
    Twins afterRestart = new Twins(live, recovered);
    afterRestart.assertAgree("after a snapshot at record " + recordsInSnapshot + " of " + journal.size()
        + " and the records after it");
    afterRestart.epilogue(script.now());
  }

  /**
   * A live store and another that is given every mutation through the journal's codec: each mutation is
   * applied to the live store, encoded with its instant, decoded and applied to the other. Their answers and
   * refusals must agree, and so must what each produced.
   */
  private static final class Twins {
    final ClusterState live;
    final ClusterState other;
    /** The records of every mutation the live store did not refuse, in order. */
    final List<byte[]> journal = new ArrayList<>();
    /** All the live store produced (published, sent, probed) since these twins began. */
    ClusterState.Drained produced = new ClusterState.Drained(List.of(), List.of(), List.of(), false);

    Twins(ClusterState live, ClusterState other) {
      this.live = live;
      this.other = other;
    }

    void apply(Mutation<?> m, long now) {
      byte[] record = MutationCodec.encode(m, now);
      MutationCodec.Decoded d = MutationCodec.decode(record);
      assertThat(d.nowMs()).isEqualTo(now);
      Outcome expected = Outcome.of(() -> m.applyTo(live, now));
      Outcome replayed = Outcome.of(() -> d.mutation().applyTo(other, d.nowMs()));
      assertThat(replayed).as("answer to %s", m).isEqualTo(expected);
      ClusterState.Drained out = live.outbox().drain();
      assertThat(other.outbox().drain()).as("what %s produced", m).isEqualTo(out);
      produced = new ClusterState.Drained(concat(produced.events(), out.events()),
          concat(produced.commands(), out.commands()), concat(produced.probes(), out.probes()),
          produced.wakeScheduler() || out.wakeScheduler());
      Statistics.label("mutations").collect(m.getClass().getSimpleName() + (expected.refused() ? " refused" : ""));
      if (expected.failure() == null) {
        journal.add(record);
      } else if (expected.refused()) {
        throw (RuntimeException) expected.thrown(); // an answer: the script carries on, as the store's clients do
      } else {
        throw new AssertionError("the live store failed on " + m, expected.thrown());
      }
    }

    void assertAgree(String when) {
      assertThat(StateDump.domain(other)).as("state %s", when).isEqualTo(StateDump.domain(live));
      assertThat(StateDump.answers(other)).as("answers %s", when).isEqualTo(StateDump.answers(live));
    }

    /**
     * The same commands to both stores, aimed at what the state keeps without showing it: tokens that may not
     * speak for a worker, probes falling due, heartbeats, an endpoint id, resubmitted job ids and their attempt
     * numbers, and a day later, the forgetting of finished jobs.
     */
    void epilogue(long now) {
      for (WorkerRecord w : List.copyOf(live.workers())) {
        tryApply(new Mutation.Heartbeat(w.id(), new AcceptMark(w.incarnation(), 0),
            List.of(), Caller.of("intruder", Role.WORKER)), now);
      }
      tryApply(new Mutation.Tick(), now + 1);
      for (WorkerRecord w : List.copyOf(live.workers())) {
        tryApply(new Mutation.RegisterWorker(w.registration(), new AcceptMark(w.incarnation(), 0), List.of(),
            Caller.admin()), now + 2);
      }
      for (Task t : tasks()) {
        TaskAttempt a = t.currentAttempt();
        if (a != null && a.isActive()) {
          tryApply(new Mutation.RegisterEndpoint("late", "h:1", t.id().job(), t.id(), a.attemptId(), Map.of()),
              now + 3);
          break;
        }
      }
      for (JobId id : List.copyOf(live.jobs().stream().map(j -> j.id()).toList())) {
        live.job(id).map(j -> j.spec()).ifPresent(spec -> tryApply(new Mutation.SubmitJob(spec, // gone: replaced parent
            live.bundle(spec.bundleHash()).orElse(null), Caller.admin()), now + 4));
      }
      ClusterState.SchedulingInput in = live.schedulingInput();
      Plan plan = new Scheduler().schedule(in.queue(), in.workers());
      tryApply(new Mutation.CommitPlan(plan), now + 5);
      tryApply(new Mutation.Tick(), now + 86_400_000L);
      assertAgree("after the epilogue");
    }

    private void tryApply(Mutation<?> m, long now) {
      try {
        apply(m, now);
      } catch (RuntimeException e) {
        if (!(e instanceof Refusal)) {
          throw e;
        }
      }
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
      List<T> all = new ArrayList<>(a);
      all.addAll(b);
      return all;
    }

    private List<Task> tasks() {
      List<Task> out = new ArrayList<>();
      live.jobs().forEach(j -> out.addAll(j.tasks()));
      return out;
    }
  }

  /** What applying a mutation came to: its answer, or the exception it threw (by class and message). */
  private record Outcome(Object answer, String failure, boolean refused, Throwable thrown) {
    static Outcome of(Supplier<Object> apply) {
      try {
        return new Outcome(apply.get(), null, false, null);
      } catch (RuntimeException e) {
        return new Outcome(null, e.getClass().getName() + ": " + e.getMessage(), e instanceof Refusal, e);
      }
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Outcome x && java.util.Objects.equals(answer, x.answer)
          && java.util.Objects.equals(failure, x.failure);
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(answer, failure);
    }
  }
}
