package dev.iris.controller.journal;

import static dev.iris.controller.journal.DurableStoreTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.controller.StateStoreVerticle;
import dev.iris.controller.StoreClient;
import dev.iris.controller.StoreQuery;
import dev.iris.controller.state.AcceptMark;
import dev.iris.controller.state.ClusterState.AttemptReport;
import dev.iris.controller.state.Mutation;
import dev.iris.controller.state.StoreConfig;
import dev.iris.controller.state.WorkerRecord;
import dev.iris.core.JobId;
import dev.iris.core.JobSpec;
import dev.iris.core.JobState;
import dev.iris.core.Resources;
import dev.iris.core.TaskId;
import dev.iris.core.TaskState;
import dev.iris.core.auth.Caller;
import dev.iris.scheduler.Assignment;
import dev.iris.scheduler.Plan;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under an endless stream of jobs, the controller's memory and its state directory stay bounded: finished jobs
 * beyond the retention are forgotten with their tasks, snapshots leave them out, and compaction deletes the
 * segments the snapshots cover. 20,000 one-task jobs go through a durable store (submitted, placed, run,
 * succeeded, a tick after every batch), with at most 100 finished jobs remembered.
 */
class BoundedGrowthTest {
  private static final int JOBS = 20_000;
  private static final int BATCH = 200;
  private static final int RETAINED = 100;

  @TempDir
  Path tmp;

  @Test
  void anEndlessStreamOfJobsKeepsTheJobCountAndTheStateDirectoryBounded() throws Exception {
    Path dir = tmp.resolve("state");
    StoreConfig config = new StoreConfig(60_000, StoreConfig.DEFAULT_START_CAPACITY, 1_000, 2_000, 30_000,
        new StoreConfig.JobRetention(24 * 3_600_000L, 200_000, RETAINED));
    JournalOptions options = JournalOptions.defaults().withSegmentBytes(256 << 10).withPreallocateBytes(64 << 10);
    Vertx vertx = Vertx.vertx();
    long maxBytes = 0;
    long bytesAtQuarter = 0;
    long maxJobs = 0;
    try {
      StateStoreVerticle store = new StateStoreVerticle(config, Clock.systemUTC(), 3_600_000, null, dir, options)
          .snapshotEvery(2_000, 1L << 20);
      await(vertx.deployVerticle(store));
      StoreClient client = new StoreClient(vertx);
      await(client.apply(new Mutation.RegisterWorker(new WorkerRecord.Registration("w", "127.0.0.1:1",
          Resources.of(10_000, 1L << 40), Map.of(), "h", "127.0.0.1", 10_000, "i"), new AcceptMark("i", 0), List.of(),
          Caller.admin())));
      for (int first = 0; first < JOBS; first += BATCH) {
        List<Future<?>> submitted = new ArrayList<>();
        List<Assignment> plan = new ArrayList<>();
        for (int j = first; j < first + BATCH; j++) {
          JobId id = JobId.of("j-" + j);
          submitted.add(client.apply(new Mutation.SubmitJob(JobSpec.simple(id, List.of("true"), Resources.of(1, 1), 1),
              null, Caller.admin())));
          plan.add(new Assignment(new TaskId(id, 0), "w"));
        }
        await(Future.all(submitted));
        assertThat(await(client.apply(new Mutation.CommitPlan(new Plan(plan, Map.of()))))).isEqualTo(BATCH);
        for (TaskState st : List.of(TaskState.RUNNING, TaskState.SUCCEEDED)) {
          List<AttemptReport> reports = plan.stream()
              .map(a -> new AttemptReport(a.task(), 0, st, 0, "", null)).toList();
          await(client.apply(new Mutation.ReportTaskStates("w", reports, Caller.admin())));
        }
        await(client.apply(new Mutation.Tick()));

        long jobs = Arrays.stream(await(client.read(new StoreQuery.CountStates())).jobs()).sum();
        long bytes = sizeOf(dir);
        maxJobs = Math.max(maxJobs, jobs);
        maxBytes = Math.max(maxBytes, bytes);
        if (first + BATCH == JOBS / 4) {
          bytesAtQuarter = maxBytes;
        }
      }
      long finished = await(client.read(new StoreQuery.CountStates())).jobs()[JobState.SUCCEEDED.ordinal()];
      assertThat(finished).as("finished jobs remembered after the last tick").isEqualTo(RETAINED);
      long journaled = store.journal().appendedLsn();
      assertThat(journaled).as("records journaled").isGreaterThan(JOBS);
      try (Stream<Path> files = Files.list(dir.resolve("journal"))) {
        assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("segment-")).sorted()
            .findFirst().map(n -> Long.parseLong(n.substring(8, 28))).orElseThrow())
            // one snapshot at a time: under load the newest may lag the last jobs by a snapshot interval or two
            .as("the first segment kept begins after the records of the first 15,000 jobs").isGreaterThan(15_000);
      }
    } finally {
      await(vertx.close());
    }
    assertThat(maxJobs).as("jobs known at once (after each batch's tick)").isEqualTo(RETAINED);
    assertThat(maxBytes).as("the state directory, at most (a few segments and the last snapshot)")
        .isLessThan(2L << 20);
    assertThat(maxBytes).as("no larger in the last three quarters of the stream than in the first")
        .isLessThanOrEqualTo(bytesAtQuarter + (512 << 10));
  }

  private static long sizeOf(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      return all.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }
}
