package dev.iris.controller.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iris.common.RpcException;
import dev.iris.controller.Addresses;
import dev.iris.controller.StateStoreVerticle;
import dev.iris.controller.StoreClient;
import dev.iris.controller.StoreQuery;
import dev.iris.controller.StoreStatus;
import dev.iris.controller.state.AcceptMark;
import dev.iris.controller.state.Mutation;
import dev.iris.controller.state.StoreConfig;
import dev.iris.controller.state.WorkerRecord;
import dev.iris.core.JobId;
import dev.iris.core.JobSpec;
import dev.iris.core.Resources;
import dev.iris.core.auth.Caller;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The durable store acknowledges a change, and lets out what it produced, only once its record is on disk. */
class DurableStoreTest {
  @TempDir
  Path tmp;
  private Vertx vertx;
  private StateStoreVerticle store;
  private String deployment;
  private StoreClient client;
  private final FaultyChannel.Disk disk = new FaultyChannel.Disk();
  private final AtomicInteger events = new AtomicInteger();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    store = new StateStoreVerticle(StoreConfig.DEFAULT, Clock.systemUTC(), 600_000, null, tmp.resolve("state"),
        JournalOptions.defaults().withOpener(disk)).withJournalRetryMs(100);
    deployment = await(vertx.deployVerticle(store));
    client = new StoreClient(vertx);
    vertx.eventBus().consumer(Addresses.EVENTS, m -> events.incrementAndGet());
  }

  @AfterEach
  void stop() throws Exception {
    disk.forceGate = null;
    disk.failForce = false;
    await(vertx.close());
  }

  private static Mutation.SubmitJob submit(String id) {
    return new Mutation.SubmitJob(JobSpec.simple(JobId.of(id), List.of("true"), Resources.of(1, 1), 1), null, null);
  }

  @Test
  void aSubmissionIsAnsweredAndPublishedOnlyOnceItsRecordIsOnDisk() throws Exception {
    Semaphore gate = new Semaphore(0);
    disk.forceGate = gate;
    Future<JobId> submitted = client.apply(submit("a"));
    Thread.sleep(300);
    assertThat(submitted.isComplete()).as("answered before the fsync").isFalse();
    assertThat(events.get()).as("events published before the fsync").isZero();
    assertThat(store.journal().durableLsn()).isLessThan(store.journal().appendedLsn());
    // the store still reads (and applies later changes) while the fsync waits
    assertThat(await(client.read(new StoreQuery.GetJobStatus(JobId.of("a"), false)))).isNotNull();

    disk.forceGate = null;
    gate.release(100);
    assertThat(await(submitted)).isEqualTo(JobId.of("a"));
    assertThat(store.journal().durableLsn()).isEqualTo(store.journal().appendedLsn());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (events.get() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(events.get()).isPositive();
  }

  @Test
  void aFailedJournalRefusesChangesWithUnavailableAndStillServesReads() throws Exception {
    await(client.apply(submit("kept")));
    disk.failForce = true;
    assertThatThrownBy(() -> await(client.apply(submit("lost")))).isInstanceOfSatisfying(RpcException.class, e -> {
      assertThat(e.status()).isEqualTo(GrpcStatus.UNAVAILABLE);
      assertThat(e.getMessage()).contains("Input/output error");
    });
    assertThatThrownBy(() -> await(client.apply(submit("later")))).isInstanceOfSatisfying(RpcException.class,
        e -> assertThat(e.status()).isEqualTo(GrpcStatus.UNAVAILABLE));
    assertThat(await(client.read(new StoreQuery.GetJobStatus(JobId.of("kept"), false)))).isNotNull();
  }

  @Test
  void aFullDiskRefusesChangesUntilItTakesWritesAgainThenTheStateIsRebuiltFromDisk() throws Exception {
    Path dir = tmp.resolve("state");
    await(client.apply(submit("kept-1")));
    await(client.apply(submit("kept-2")));
    Journal failedJournal = store.journal();
    disk.bytesLeft.set(0);

    // the change that met the full disk: applied in memory, never durable
    assertThatThrownBy(() -> await(client.apply(submit("lost")))).isInstanceOfSatisfying(RpcException.class, e -> {
      assertThat(e.status()).isEqualTo(GrpcStatus.UNAVAILABLE);
      assertThat(e.getMessage()).isEqualTo("the controller could not store the change: state directory " + dir
          + " cannot be written: No space left on device; retrying every 0.1s");
    });
    Thread.sleep(500); // a few probes, which the full disk fails too
    assertThatThrownBy(() -> await(client.apply(submit("refused")))).isInstanceOfSatisfying(RpcException.class, e -> {
      assertThat(e.status()).isEqualTo(GrpcStatus.UNAVAILABLE);
      assertThat(e.getMessage()).isEqualTo("the controller cannot store changes: state directory " + dir
          + " cannot be written: No space left on device; retrying every 0.1s");
    });
    StoreStatus failing = await(client.status());
    assertThat(failing.failed()).isTrue();
    assertThat(failing.failingSinceMs()).isPositive();
    assertThat(failing.reopens()).isZero();
    assertThat(await(client.read(new StoreQuery.GetJobStatus(JobId.of("kept-1"), false)))).isNotNull(); // reads go on
    assertThat(store.journal()).isSameAs(failedJournal);

    disk.bytesLeft.set(Long.MAX_VALUE); // space again: the next probe goes through, the store reopens
    JobId after = eventuallyAccepted(submit("after"));

    assertThat(after).isEqualTo(JobId.of("after"));
    assertThat(store.journal()).isNotSameAs(failedJournal);
    StoreStatus recovered = await(client.status());
    assertThat(recovered.failed()).isFalse();
    assertThat(recovered.reopens()).isEqualTo(1);
    assertThat(recovered.reopened().jobs()).as("rebuilt from disk: kept-1 and kept-2").isEqualTo(2);
    assertThat(jobIds()).containsExactlyInAnyOrder("kept-1", "kept-2", "after");

    // and all of it is on disk: a restart finds the same jobs
    await(vertx.undeploy(deployment));
    store = new StateStoreVerticle(StoreConfig.DEFAULT, Clock.systemUTC(), 600_000, null, dir,
        JournalOptions.defaults());
    await(vertx.deployVerticle(store));
    assertThat(jobIds()).containsExactlyInAnyOrder("kept-1", "kept-2", "after");
  }

  @Test
  void aFailedFsyncIsRetriedUntilTheDirectoryTakesWritesAgain() throws Exception {
    await(client.apply(submit("kept")));
    disk.failForce = true;
    assertThatThrownBy(() -> await(client.apply(submit("lost")))).isInstanceOfSatisfying(RpcException.class,
        e -> assertThat(e.getMessage()).contains("cannot be written: Input/output error; retrying"));
    Thread.sleep(300);
    int forcesWhileFailing = disk.forces.get();
    Thread.sleep(300);
    assertThat(disk.forces.get()).as("probes keep trying").isGreaterThan(forcesWhileFailing);

    disk.failForce = false;
    eventuallyAccepted(submit("after"));
    assertThat(jobIds()).containsExactlyInAnyOrder("kept", "after");
  }

  @Test
  void aWorkerSilentThroughTheOutageGetsItsGraceAfterTheReopenAsAfterARestart() throws Exception {
    StoreConfig oneSecond = new StoreConfig(1_000, StoreConfig.DEFAULT_START_CAPACITY, 1_000, 10_000);
    FaultyChannel.Disk d = new FaultyChannel.Disk();
    Vertx v = Vertx.vertx();
    try {
      await(v.deployVerticle(new StateStoreVerticle(oneSecond, Clock.systemUTC(), 20, null, tmp.resolve("grace"),
          JournalOptions.defaults().withOpener(d)).withJournalRetryMs(50)));
      StoreClient c = new StoreClient(v);
      await(c.apply(new Mutation.RegisterWorker(new WorkerRecord.Registration("w1", "bus://w1",
          Resources.of(4, 1L << 30), Map.of(), "h", "10.0.0.1"), AcceptMark.NONE, List.of(), Caller.admin())));
      d.bytesLeft.set(0);
      assertThatThrownBy(() -> await(c.apply(submit("lost")))).isInstanceOf(RpcException.class);
      Thread.sleep(1_500); // longer than the worker timeout, the worker silent all along: ticks are skipped
      assertThat(alive(c)).as("lost during the outage").isTrue();

      d.bytesLeft.set(Long.MAX_VALUE);
      eventuallyAccepted(c, submit("after"));
      Thread.sleep(200); // ten ticks on the state rebuilt from disk, where the worker last spoke 1.5 s ago
      assertThat(alive(c)).as("lost right after the reopen").isTrue();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (alive(c) && System.nanoTime() < deadline) { // a worker timeout later, still silent, it is lost
        Thread.sleep(20);
      }
      assertThat(alive(c)).isFalse();
    } finally {
      await(v.close());
    }
  }

  private static boolean alive(StoreClient c) throws Exception {
    return await(c.read(new StoreQuery.ListWorkers())).workers().get(0).alive();
  }

  private JobId eventuallyAccepted(Mutation.SubmitJob submit) throws Exception {
    return eventuallyAccepted(client, submit);
  }

  private static JobId eventuallyAccepted(StoreClient c, Mutation.SubmitJob submit) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        return await(c.apply(submit));
      } catch (RpcException e) {
        if (e.status() != GrpcStatus.UNAVAILABLE || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(20);
      }
    }
  }

  private List<String> jobIds() throws Exception {
    return await(client.read(new StoreQuery.ListJobs(null, "", 0, 100))).getJobsList().stream()
        .map(j -> j.getJobId()).toList();
  }

  @Test
  void aChangeTooLargeToStoreIsRefusedBeforeItIsApplied() throws Exception {
    JournalOptions d = JournalOptions.defaults();
    JournalOptions small = new JournalOptions(d.segmentBytes(), 4_096, d.queueRecords(), d.queueBytes(),
        d.batchBytes(), d.preallocateBytes(), d.opener(), d.observer());
    StateStoreVerticle other = new StateStoreVerticle(StoreConfig.DEFAULT, Clock.systemUTC(), 600_000, null,
        tmp.resolve("small"), small);
    Vertx v = Vertx.vertx();
    try {
      await(v.deployVerticle(other));
      StoreClient c = new StoreClient(v);
      Mutation.SubmitJob big = new Mutation.SubmitJob(JobSpec.simple(JobId.of("big"), List.of("true"),
          Resources.of(1, 1), 1), new byte[10_000], null);
      assertThatThrownBy(() -> await(c.apply(big))).isInstanceOfSatisfying(RpcException.class, e -> {
        assertThat(e.status()).isEqualTo(GrpcStatus.RESOURCE_EXHAUSTED);
        assertThat(e.getMessage()).contains("at most 4096");
      });
      assertThatThrownBy(() -> await(c.read(new StoreQuery.GetJobStatus(JobId.of("big"), false))))
          .as("not applied").isNotNull();
      assertThat(await(c.apply(submit("small")))).isEqualTo(JobId.of("small")); // the store goes on
    } finally {
      await(v.close());
    }
  }

  @Test
  void theStoreSnapshotsEverySoManyRecordsAndRecoversFromTheSnapshotAndTheRecordsAfterIt() throws Exception {
    Path dir = tmp.resolve("snap");
    JournalOptions small = JournalOptions.defaults().withSegmentBytes(4_096);
    List<Object> before;
    Vertx v = Vertx.vertx();
    try {
      StateStoreVerticle s = new StateStoreVerticle(StoreConfig.DEFAULT, Clock.systemUTC(), 600_000, null, dir, small)
          .snapshotEvery(40, 1L << 30);
      await(v.deployVerticle(s));
      StoreClient c = new StoreClient(v);
      for (int i = 0; i < 100; i++) {
        await(c.apply(submit("j" + i)));
      }
      before = answers(c);
    } finally {
      await(v.close()); // waits for a snapshot being written
    }
    try (var files = java.nio.file.Files.list(dir.resolve("journal"))) {
      List<String> names = files.map(f -> f.getFileName().toString()).sorted().toList();
      assertThat(names).as("one snapshot, and only the segments after it").filteredOn(n -> n.endsWith(".snap"))
          .hasSize(1);
      assertThat(names).filteredOn(n -> n.endsWith(".log")).hasSizeLessThan(5);
    }

    Vertx v2 = Vertx.vertx();
    try {
      StateStoreVerticle s2 = new StateStoreVerticle(StoreConfig.DEFAULT, Clock.systemUTC(), 600_000, null, dir, small);
      await(v2.deployVerticle(s2));
      RecoveryReport r = s2.journal().recovery();
      // one snapshot at a time: under load the one begun at ~40 records may still be written when the last
      // submission is journaled, so the newest may be the first; either way recovery reads it and the rest
      assertThat(r.snapshotLsn()).as("records in the snapshot").isGreaterThanOrEqualTo(40);
      assertThat(r.records()).as("records replayed after it").isLessThan(100 - 40 + 10);
      assertThat(answers(new StoreClient(v2))).isEqualTo(before);
    } finally {
      await(v2.close());
    }
  }

  @Test
  void anotherConfigIsRecordedAtStartAndTheRecordsReplayUnderEachInTurn() throws Exception {
    Path dir = tmp.resolve("config");
    StoreConfig manyEvents = StoreConfig.DEFAULT;
    StoreConfig twoEvents = new StoreConfig(9_000, 8, 2_000, 2, 1_000, new StoreConfig.JobRetention(60_000, 10, 5));
    run(dir, manyEvents, c -> {
      for (int i = 0; i < 5; i++) {
        await(c.apply(submit("j" + i)));
      }
      assertThat(await(c.read(new StoreQuery.ReplayEvents(0, null, 100, false))).events()).hasSize(5);
    });
    run(dir, twoEvents, c -> {
      assertThat(await(c.read(new StoreQuery.ReplayEvents(0, null, 100, false))).events()).hasSize(2);
      assertThat(reconfigurations(c)).containsExactly("worker timeout 5000 -> 9000 ms, start capacity 32 -> 8, kill "
          + "grace 5000 -> 2000 ms, events kept 100000 -> 2, probe after 1500 -> 1000 ms, lease 25000 -> 0 ms, finished jobs kept for "
          + "86400000 -> 60000 ms, finished tasks kept 200000 -> 10, finished jobs kept 10000 -> 5");
    });
    run(dir, twoEvents, c -> assertThat(reconfigurations(c)).as("the same again: nothing to record").hasSize(1));
    run(dir, manyEvents, c -> {
      assertThat(reconfigurations(c)).hasSize(2);
      assertThat(await(c.read(new StoreQuery.ReplayEvents(0, null, 100, false))).events())
          .as("events dropped under the smaller log do not come back").hasSize(2);
    });
  }

  @Test
  void aDirectoryOfTheFirstDurableBuildIsReadUnderItsRecordedConfigAndConverted() throws Exception {
    Path dir = tmp.resolve("legacy");
    legacyDirectory(dir, StoreConfig.DEFAULT);
    run(dir, StoreConfig.DEFAULT, c -> assertThat(await(c.read(new StoreQuery.GetJobStatus(JobId.of("old"), false))))
        .isNotNull());
    assertThat(dir.resolve("store-config")).doesNotExist();
    try (var files = java.nio.file.Files.list(dir.resolve("journal"))) {
      assertThat(files.map(f -> f.getFileName().toString())).anyMatch(n -> n.endsWith(".snap"));
    }
    run(dir, new StoreConfig(9_000, 8, 2_000, 50), c -> assertThat(reconfigurations(c)).hasSize(1));

    Path other = tmp.resolve("legacy-other");
    legacyDirectory(other, new StoreConfig(9_000, 8, 2_000, 50));
    assertThatThrownBy(() -> run(other, StoreConfig.DEFAULT, c -> { }))
        .hasMessageContaining("written by an earlier version under another store config");
  }

  /** A state directory as the first durable build left it: records, no snapshot, its config in a file. */
  private static void legacyDirectory(Path dir, StoreConfig config) throws Exception {
    try (StateDir d = StateDir.open(dir); Journal j = Journal.open(d, JournalOptions.defaults(), new Replayed())) {
      j.append(MutationCodec.encode(submit("old"), 1_000)).join();
      j.append(MutationCodec.encode(new Mutation.ControllerRestarted(), 2_000)).join();
    }
    java.nio.file.Files.writeString(dir.resolve("store-config"), config + "\n");
  }

  private interface StoreSession {
    void run(StoreClient client) throws Exception;
  }

  /** Starts a store on {@code dir} under {@code config}, runs {@code session} against it, and stops it. */
  private static void run(Path dir, StoreConfig config, StoreSession session) throws Exception {
    Vertx v = Vertx.vertx();
    try {
      await(v.deployVerticle(new StateStoreVerticle(config, Clock.systemUTC(), 600_000, null, dir,
          JournalOptions.defaults())));
      session.run(new StoreClient(v));
    } finally {
      await(v.close());
    }
  }

  private static List<String> reconfigurations(StoreClient c) throws Exception {
    return await(c.read(new StoreQuery.ListActions(1_000))).actions().stream()
        .filter(a -> a.action().equals("store reconfigured")).map(a -> a.details()).toList();
  }

  private static List<Object> answers(StoreClient c) throws Exception {
    return List.of(await(c.read(new StoreQuery.ListJobs(null, "", 0, 1_000))),
        await(c.read(new StoreQuery.ReplayEvents(0, null, Integer.MAX_VALUE, false))).events(),
        await(c.read(new StoreQuery.ListActions(1_000))).actions());
  }

  static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof Exception c ? c : e;
    }
  }
}
