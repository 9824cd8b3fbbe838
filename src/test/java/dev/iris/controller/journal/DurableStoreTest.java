package dev.iris.controller.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iris.common.RpcException;
import dev.iris.controller.Addresses;
import dev.iris.controller.StateStoreVerticle;
import dev.iris.controller.StoreClient;
import dev.iris.controller.StoreQuery;
import dev.iris.controller.state.Mutation;
import dev.iris.controller.state.StoreConfig;
import dev.iris.core.JobId;
import dev.iris.core.JobSpec;
import dev.iris.core.Resources;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
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
  private StoreClient client;
  private final FaultyChannel.Disk disk = new FaultyChannel.Disk();
  private final AtomicInteger events = new AtomicInteger();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    store = new StateStoreVerticle(StoreConfig.DEFAULT, Clock.systemUTC(), 600_000, null, tmp.resolve("state"),
        JournalOptions.defaults().withOpener(disk));
    await(vertx.deployVerticle(store));
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

  static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof Exception c ? c : e;
    }
  }
}
