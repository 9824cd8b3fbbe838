package dev.iris.controller;

import dev.iris.common.HistogramBuckets;
import dev.iris.controller.journal.JournalObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The durable store's metrics: the journal's group commits as its writer reports them (a {@link JournalObserver},
 * called on the writer thread), and what the store sees itself: changes waiting for durability and how long they
 * wait, appends a failed journal refused, the last recovery (at start or after a failure), and the last snapshot.
 * Part of the controller's registry ({@link ControllerMetrics#store()}). Every method is cheap and thread-safe.
 */
public final class StoreMetrics implements JournalObserver {
  /** Bounds of the commit and durability-wait histograms: 50 µs (a cached fsync) to 5 s (a disk in trouble). */
  private static final Duration[] COMMIT_BUCKETS = HistogramBuckets.millis(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25,
      50, 100, 250, 1_000, 5_000);
  private static final double[] RECORDS_BUCKETS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 5_000, 20_000};

  private final Clock clock;
  private final Timer commit;
  private final DistributionSummary commitRecords;
  private final Counter written;
  private final Counter fsyncs;
  private final Counter writeFailures;
  private final Counter appendFailures;
  private final Timer durableWait;
  private final Counter reopens;
  private final Timer snapshots;
  private final Counter snapshotFailures;
  private final AtomicLong inFlight = new AtomicLong();
  private final AtomicLong failing = new AtomicLong();
  private final AtomicLong startedAtMs = new AtomicLong();
  private final AtomicLong recoveryNanos = new AtomicLong();
  private final AtomicLong recoveryRecords = new AtomicLong();
  private final AtomicLong snapshotAtMs = new AtomicLong();
  private final AtomicLong snapshotBytes = new AtomicLong();

  StoreMetrics(MeterRegistry registry, Clock clock) {
    this.clock = clock;
    commit = Timer.builder("iris_journal_commit").serviceLevelObjectives(COMMIT_BUCKETS)
        .description("Journal group commits, from the start of the write to the end of its fsync").register(registry);
    commitRecords = DistributionSummary.builder("iris_journal_commit_records").serviceLevelObjectives(RECORDS_BUCKETS)
        .description("Records per group commit (changes sharing one fsync)").register(registry);
    written = Counter.builder("iris_journal_written").baseUnit("bytes")
        .description("Bytes the journal wrote: records with their frames, and the zeros written ahead of them")
        .register(registry);
    fsyncs = Counter.builder("iris_journal_fsyncs")
        .description("Files or directories the journal forced to disk (one per commit, more per new segment)")
        .register(registry);
    writeFailures = Counter.builder("iris_journal_write_failures")
        .description("Journal writes or fsyncs that failed (a full disk, an I/O error): changes are refused until "
            + "the store has reopened the journal").register(registry);
    appendFailures = Counter.builder("iris_journal_append_failures")
        .description("Changes whose record a failed journal refused: answered UNAVAILABLE and dropped")
        .register(registry);
    durableWait = Timer.builder("iris_store_durable_wait").serviceLevelObjectives(COMMIT_BUCKETS)
        .description("A change's wait from its append to its record on disk: its reply and events wait this long")
        .register(registry);
    reopens = Counter.builder("iris_store_journal_reopens")
        .description("Times the store reopened its journal and rebuilt its state from disk after a failure")
        .register(registry);
    snapshots = Timer.builder("iris_journal_snapshot")
        .description("Snapshots of the state written, by how long each took").register(registry);
    snapshotFailures = Counter.builder("iris_journal_snapshot_failures").description("Snapshots that failed")
        .register(registry);
    Gauge.builder("iris_store_mutations_in_flight", inFlight, AtomicLong::get)
        .description("Changes applied and appended, waiting for their records to be on disk").register(registry);
    Gauge.builder("iris_store_journal_failed", failing, AtomicLong::get)
        .description("1 while the state directory cannot be written and changes are refused (retrying), else 0")
        .register(registry);
    Gauge.builder("iris_controller_start_time_seconds", startedAtMs, v -> v.get() / 1e3)
        .description("When the controller's store started, in seconds since the epoch").register(registry);
    Gauge.builder("iris_store_recovery_seconds", recoveryNanos, v -> v.get() / 1e9)
        .description("How long the last recovery took: the journal read and replayed (at start, or on a reopen "
            + "after a failure)").register(registry);
    Gauge.builder("iris_store_recovery_records", recoveryRecords, AtomicLong::get)
        .description("Journal records the last recovery replayed").register(registry);
    Gauge.builder("iris_journal_snapshot_last_time_seconds", snapshotAtMs, v -> v.get() / 1e3)
        .description("When the last snapshot was written, in seconds since the epoch (0: none yet)").register(registry);
    Gauge.builder("iris_journal_snapshot_last_bytes", snapshotBytes, AtomicLong::get)
        .description("The size of the last snapshot written").register(registry);
  }

  /** Instruments on a registry of their own: for a store given no controller metrics (tests). */
  static StoreMetrics detached() {
    return new StoreMetrics(new SimpleMeterRegistry(), Clock.systemUTC());
  }

  // ------------------------------------------------------------------ the journal's writer thread

  @Override
  public void committed(int records, long bytes, long commitNanos) {
    commit.record(commitNanos, TimeUnit.NANOSECONDS);
    commitRecords.record(records);
    written.increment(bytes);
  }

  @Override
  public void forced() {
    fsyncs.increment();
  }

  @Override
  public void failed(Exception cause) {
    writeFailures.increment();
  }

  // ------------------------------------------------------------------ the store

  /** The store started at {@code atMs} (epoch milliseconds). */
  void started(long atMs) {
    startedAtMs.set(atMs);
  }

  /** A recovery (at start, or a reopen after a failure) replayed {@code records} in {@code elapsed}. */
  void recovered(long records, Duration elapsed, boolean reopen) {
    recoveryRecords.set(records);
    recoveryNanos.set(elapsed.toNanos());
    if (reopen) {
      reopens.increment();
    }
  }

  /** How many changes wait for their records to be on disk. */
  void inFlight(int count) {
    inFlight.set(count);
  }

  /** A change's record is on disk, {@code nanos} after it was appended. */
  void durable(long nanos) {
    durableWait.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A change's record was refused by a failed journal. */
  void appendFailed() {
    appendFailures.increment();
  }

  /** Whether the store refuses changes because the journal failed (until it is reopened). */
  void journalFailing(boolean failed) {
    failing.set(failed ? 1 : 0);
  }

  // ------------------------------------------------------------------ snapshots

  /** A snapshot of {@code bytes} was written (and made durable) in {@code elapsed}; now is its time. */
  public void snapshotTaken(long bytes, Duration elapsed) {
    snapshots.record(elapsed);
    snapshotBytes.set(bytes);
    snapshotAtMs.set(clock.millis());
  }

  /** A snapshot could not be written. */
  public void snapshotFailed() {
    snapshotFailures.increment();
  }
}
