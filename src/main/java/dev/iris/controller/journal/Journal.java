package dev.iris.controller.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only journal of opaque records in a {@link StateDir}: durable before acknowledged.
 *
 * <ul>
 *   <li>{@link #open} recovers: it hands the latest snapshot and every record after it to a {@link
 *       RecoveryHandler}, in order, cutting a torn tail (one warning naming file and offset) and refusing
 *       earlier damage ({@link JournalCorruptException}).
 *   <li>{@link #append} never blocks: it numbers the record (its LSN, one more than the last) and queues it;
 *       the future completes once the record is on disk. One writer thread writes whatever is queued in one
 *       go and forces once (group commit). Futures complete on that thread: hand the continuation to
 *       your own thread (an event loop's context) rather than work there. A full queue refuses at once; a
 *       failed write or fsync refuses this append and every later one ({@link AppendRefusedException}).
 *   <li>{@link #writeSnapshot} stores a caller's copy of its state as of an LSN, on a thread of its own
 *       while appends go on, then deletes the segments it covers.
 * </ul>
 *
 * Thread-safe. The caller keeps the {@link StateDir} open (and so locked) while the journal is open.
 */
public final class Journal implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Journal.class);

  private final Path dir;
  private final GroupCommitWriter writer;
  private final RecoveryReport recovery;
  private final ExecutorService snapshots;
  private final AtomicLong snapshotLsn;

  /** What a snapshot wrote and removed. */
  public record SnapshotResult(long lsn, long bytes, int segmentsDeleted, Duration elapsed) {}

  private Journal(Path dir, GroupCommitWriter writer, RecoveryReport recovery) {
    this.dir = dir;
    this.writer = writer;
    this.recovery = recovery;
    this.snapshotLsn = new AtomicLong(recovery.snapshotLsn());
    this.snapshots = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "iris-journal-snapshot");
      t.setDaemon(true);
      return t;
    });
  }

  /** Recovers the journal of {@code stateDir} into {@code handler}, then opens it for appends. */
  public static Journal open(StateDir stateDir, JournalOptions options, RecoveryHandler handler) throws IOException {
    long start = System.nanoTime();
    Path dir = stateDir.journalDir();
    JournalRecovery.Recovered recovered = JournalRecovery.run(dir, options.maxRecordBytes(), handler, start);
    GroupCommitWriter writer = new GroupCommitWriter(dir, options, recovered);
    RecoveryReport report = recovered.report();
    report = new RecoveryReport(report.snapshotLsn(), report.snapshotBytes(), report.records(), report.recordBytes(),
        report.segments(), report.lastLsn(), report.warnings(), Duration.ofNanos(System.nanoTime() - start));
    LOG.info("{} ({})", report.describe(), dir);
    return new Journal(dir, writer, report);
  }

  /**
   * Queues {@code record}; the future completes with its LSN once it is on disk, or fails with an
   * {@link AppendRefusedException}. The caller must not change the array afterwards.
   */
  public CompletableFuture<Long> append(byte[] record) {
    return writer.append(record);
  }

  /**
   * The LSN of the last append accepted, durable or not. For a caller that appends from one thread, this
   * is the LSN of its last append as soon as {@link #append} returns: the LSN its state is at.
   */
  public long appendedLsn() {
    return writer.appendedLsn();
  }

  /** The last LSN on disk. */
  public long durableLsn() {
    return writer.durableLsn();
  }

  public RecoveryReport recovery() {
    return recovery;
  }

  /**
   * Stores {@code snapshot}, the caller's state as of {@code upToLsn} (every record up to it applied, none
   * after), and deletes the segments it makes unnecessary. Runs on the journal's snapshot thread: appends go
   * on meanwhile. Waits until {@code upToLsn} is durable before writing (a snapshot never gets ahead of the
   * journal). Fails when {@code upToLsn} was never appended or is not newer than the last snapshot.
   */
  public CompletableFuture<SnapshotResult> writeSnapshot(long upToLsn, byte[] snapshot) {
    return writeSnapshot(upToLsn, () -> snapshot);
  }

  /**
   * {@link #writeSnapshot(long, byte[])} of the bytes {@code serializer} gives, called on the snapshot thread: the
   * caller hands over an immutable copy of its state and the (slow) serialization runs there, not on the caller's
   * thread. The result's elapsed time is the writing's alone.
   */
  public CompletableFuture<SnapshotResult> writeSnapshot(long upToLsn, java.util.function.Supplier<byte[]> serializer) {
    if (upToLsn < 1 || upToLsn > appendedLsn()) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("snapshot at LSN " + upToLsn
          + ": only LSNs 1 to " + appendedLsn() + " were appended"));
    }
    return writer.whenDurable(upToLsn).thenApplyAsync(ignored -> {
      try {
        return snapshotAndCompact(upToLsn, serializer.get());
      } catch (IOException e) {
        throw new CompletionException("snapshot at LSN " + upToLsn + " failed: " + StateDir.describe(e), e);
      }
    }, snapshots);
  }

  private SnapshotResult snapshotAndCompact(long upToLsn, byte[] snapshot) throws IOException {
    long start = System.nanoTime();
    long previous = snapshotLsn.get();
    if (upToLsn <= previous) {
      throw new IllegalArgumentException("snapshot at LSN " + upToLsn + " is not newer than the last one, at LSN "
          + previous);
    }
    SnapshotFiles.write(dir, upToLsn, snapshot);
    snapshotLsn.set(upToLsn);
    for (Segments.JournalFile older : Segments.snapshots(dir)) {
      if (older.lsn() < upToLsn) {
        Files.deleteIfExists(older.path());
      }
    }
    int deleted = 0;
    List<Map.Entry<Long, Path>> entries = new ArrayList<>(writer.segments().entrySet());
    for (int i = 0; i + 1 < entries.size() && entries.get(i + 1).getKey() - 1 <= upToLsn; i++) {
      Files.deleteIfExists(entries.get(i).getValue());
      writer.segments().remove(entries.get(i).getKey());
      deleted++;
    }
    Segments.syncDirectory(dir);
    return new SnapshotResult(upToLsn, snapshot.length, deleted, Duration.ofNanos(System.nanoTime() - start));
  }

  /** Writes what is queued, waits for a snapshot being written, and closes the files. */
  @Override
  public void close() throws IOException {
    snapshots.shutdown();
    try {
      snapshots.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    writer.close();
  }
}
