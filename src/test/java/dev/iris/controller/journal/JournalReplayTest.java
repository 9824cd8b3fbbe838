package dev.iris.controller.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.controller.state.AcceptMark;
import dev.iris.controller.state.ClusterState;
import dev.iris.controller.state.Mutation;
import dev.iris.controller.state.StoreConfig;
import dev.iris.controller.state.WorkerRecord;
import dev.iris.core.JobId;
import dev.iris.core.JobSpec;
import dev.iris.core.Resources;
import dev.iris.core.TaskId;
import dev.iris.core.auth.Caller;
import dev.iris.scheduler.Assignment;
import dev.iris.scheduler.Plan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a journal's records alone do not decide: the {@link StoreConfig} the store applied them under. The same
 * records replayed under another worker timeout lose a worker the live store kept (or keep one it lost), so
 * the journal must keep the configuration its records were written under, and recovery must replay them under
 * it: it begins with a {@link Mutation.Reconfigure}, and has one wherever the configuration changed.
 */
class JournalReplayTest {
  private static final StoreConfig WRITTEN_UNDER = new StoreConfig(5_000, StoreConfig.DEFAULT_START_CAPACITY, 5_000,
      1_000);

  @Test
  void recordsReplayFaithfullyOnlyUnderTheConfigTheyWereWrittenUnder() {
    List<byte[]> journal = new ArrayList<>();
    ClusterState live = new ClusterState(WRITTEN_UNDER);
    record(journal, live, new Mutation.RegisterWorker(new WorkerRecord.Registration("w1", "h:1",
        Resources.of(4, 1L << 30), Map.of(), "h", "10.0.0.1"), AcceptMark.NONE, List.of(), Caller.admin()), 1_000);
    record(journal, live, new Mutation.SubmitJob(JobSpec.simple(JobId.of("a"), List.of("true"), Resources.of(1, 1), 1),
        null, Caller.admin()), 1_000);
    record(journal, live, new Mutation.CommitPlan(new Plan(List.of(new Assignment(TaskId.parse("a/task-0"), "w1")),
        Map.of())), 1_000);
    record(journal, live, new Mutation.Tick(), 9_000); // 8 s of silence: past the 5 s timeout, the worker is lost

    assertThat(StateDump.domain(replay(journal, WRITTEN_UNDER))).isEqualTo(StateDump.domain(live));
    ClusterState underAnother = replay(journal, new StoreConfig(60_000, StoreConfig.DEFAULT_START_CAPACITY, 5_000,
        1_000));
    assertThat(underAnother.worker("w1").orElseThrow().isAlive()).isTrue();
    assertThat(live.worker("w1").orElseThrow().isAlive()).isFalse();
  }

  @Test
  void aJournalSaysTheConfigsItsRecordsWereWrittenUnder() {
    List<byte[]> journal = new ArrayList<>();
    ClusterState live = new ClusterState(WRITTEN_UNDER);
    record(journal, live, new Mutation.Reconfigure(WRITTEN_UNDER), 0);
    record(journal, live, new Mutation.RegisterWorker(new WorkerRecord.Registration("w1", "h:1",
        Resources.of(4, 1L << 30), Map.of(), "h", "10.0.0.1"), AcceptMark.NONE, List.of(), Caller.admin()), 1_000);
    record(journal, live, new Mutation.Tick(), 9_000); // lost under a 5 s timeout
    StoreConfig longer = new StoreConfig(60_000, StoreConfig.DEFAULT_START_CAPACITY, 5_000, 1_000);
    record(journal, live, new Mutation.Reconfigure(longer), 10_000);
    record(journal, live, new Mutation.RegisterWorker(new WorkerRecord.Registration("w1", "h:1",
        Resources.of(4, 1L << 30), Map.of(), "h", "10.0.0.1"), AcceptMark.NONE, List.of(), Caller.admin()), 10_000);
    record(journal, live, new Mutation.Tick(), 30_000); // kept under a 60 s one

    assertThat(live.worker("w1").orElseThrow().isAlive()).isTrue();
    assertThat(StateDump.domain(recover(journal))).isEqualTo(StateDump.domain(live));
    assertThat(recover(journal).config()).isEqualTo(longer);
  }

  /** As the store recovers: its first record, a {@link Mutation.Reconfigure}, says the config it begins under. */
  private static ClusterState recover(List<byte[]> journal) {
    Mutation<?> first = MutationCodec.decode(journal.get(0)).mutation();
    ClusterState s = new ClusterState(((Mutation.Reconfigure) first).config());
    for (byte[] record : journal.subList(1, journal.size())) {
      MutationCodec.Decoded d = MutationCodec.decode(record);
      d.mutation().applyTo(s, d.nowMs());
    }
    return s;
  }

  private static void record(List<byte[]> journal, ClusterState live, Mutation<?> m, long now) {
    m.applyTo(live, now);
    journal.add(MutationCodec.encode(m, now));
  }

  private static ClusterState replay(List<byte[]> journal, StoreConfig config) {
    ClusterState s = new ClusterState(config);
    for (byte[] record : journal) {
      MutationCodec.Decoded d = MutationCodec.decode(record);
      d.mutation().applyTo(s, d.nowMs());
    }
    return s;
  }
}
