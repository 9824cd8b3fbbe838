package dev.iris.controller;

import dev.iris.controller.journal.Journal;
import dev.iris.controller.journal.StateSnapshotCodec;
import dev.iris.controller.state.StateImage;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When the store snapshots its state, and the taking of it. A snapshot is due once {@link Policy#everyRecords}
 * records, or {@link Policy#everyBytes} bytes of records (at least as many as the last snapshot took: a large
 * state is not rewritten for every few records), were journaled since the last one. Then the state's image is
 * taken on the store's thread (a copy of what changes: jobs, tasks, attempts, workers), at the LSN its state is
 * at; the slow part, encoding it, runs on the journal's snapshot thread with the writing, while the store goes
 * on. The journal then deletes the segments the snapshot covers, so recovery reads the snapshot and replays only
 * the records after it.
 *
 * <p>One snapshot at a time: a snapshot due while one is written waits for the next record after it finished.
 * A failed snapshot is logged and tried again once as many records or bytes were journaled again. Confined to
 * the store's thread; completions come back through {@code storeThread}.
 */
final class Snapshotter {
  private static final Logger LOG = LoggerFactory.getLogger(Snapshotter.class);

  /** How often: every {@code everyRecords} records or {@code everyBytes} bytes journaled, whichever comes first. */
  record Policy(long everyRecords, long everyBytes) {
    /** 100,000 records or 64 MiB. */
    static final Policy DEFAULT = new Policy(100_000, 64L << 20);

    Policy {
      if (everyRecords < 1 || everyBytes < 1) {
        throw new IllegalArgumentException("snapshot intervals must be positive: " + everyRecords + " records, "
            + everyBytes + " bytes");
      }
    }
  }

  private final Journal journal;
  private final Policy policy;
  private final Supplier<StateImage> image;
  private final Executor storeThread;
  private final StoreMetrics metrics;
  private long records;
  private long bytes;
  private long lastSnapshotBytes;
  private boolean writing;

  /**
   * @param image takes the state's image on the store's thread
   * @param storeThread runs the completion of a snapshot on the store's thread
   * @param metrics told of each snapshot written or failed
   */
  Snapshotter(Journal journal, Policy policy, Supplier<StateImage> image, Executor storeThread, StoreMetrics metrics) {
    this.metrics = metrics;
    this.journal = journal;
    this.policy = policy;
    this.image = image;
    this.storeThread = storeThread;
    this.lastSnapshotBytes = journal.recovery().snapshotBytes();
    this.records = journal.recovery().records(); // replayed at start: a restart does not put the next snapshot off
    this.bytes = journal.recovery().recordBytes();
  }

  /** A record of {@code recordBytes} was appended (the state is at {@link Journal#appendedLsn()}): snapshots when due. */
  void journaled(int recordBytes) {
    records++;
    bytes += recordBytes;
    if (!writing && (records >= policy.everyRecords() || bytes >= Math.max(policy.everyBytes(), lastSnapshotBytes))) {
      take();
    }
  }

  /** Takes a snapshot now, at the LSN the state is at; completes (on the store's thread) once it is written. */
  CompletableFuture<Journal.SnapshotResult> take() {
    long lsn = journal.appendedLsn();
    long start = System.nanoTime();
    StateImage taken = image.get();
    long imageNs = System.nanoTime() - start;
    writing = true;
    long recordsSince = records;
    records = 0;
    bytes = 0;
    long[] encodeNs = new long[1];
    CompletableFuture<Journal.SnapshotResult> done = new CompletableFuture<>();
    journal.writeSnapshot(lsn, () -> {
      long t0 = System.nanoTime();
      byte[] payload = StateSnapshotCodec.encode(taken);
      encodeNs[0] = System.nanoTime() - t0;
      return payload;
    }).whenComplete((result, failure) -> storeThread.execute(() -> {
      writing = false;
      if (failure != null) {
        LOG.warn("snapshot at LSN {} failed (tried again after {} records or {} bytes): {}", lsn,
            policy.everyRecords(), policy.everyBytes(), failure.getCause() == null ? failure : failure.getCause());
        metrics.snapshotFailed();
        done.completeExceptionally(failure);
        return;
      }
      lastSnapshotBytes = result.bytes();
      metrics.snapshotTaken(result.bytes(), result.elapsed());
      LOG.info("snapshot at LSN {} ({} records since the last): {} jobs, {} tasks, {} workers in {} bytes; image {} ms "
              + "on the store's thread, encoded in {} ms and written in {} ms on the journal's, {} segment(s) deleted",
          lsn, recordsSince, taken.jobs().jobs().size(), taken.taskCount(), taken.workers().workers().size(),
          result.bytes(), imageNs / 1_000_000, encodeNs[0] / 1_000_000, result.elapsed().toMillis(),
          result.segmentsDeleted());
      done.complete(result);
    }));
    return done;
  }
}
