package dev.iris.controller.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iris.controller.journal.AppendRefusedException.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Appends: durable before acknowledged, numbered without gaps, sharing fsyncs, recovered in order, compacted. */
class JournalTest {
  @TempDir
  Path tmp;

  @Test
  void recordsComeBackInOrderWithTheirLsnsAndNumberingGoesOn() throws IOException {
    Path state = tmp.resolve("state");
    try (Replayed.Opened o = Replayed.open(state)) {
      assertThat(o.journal().recovery().lastLsn()).isZero();
      assertThat(o.append("a")).isEqualTo(1);
      assertThat(o.append("")).isEqualTo(2);
      assertThat(o.append("c")).isEqualTo(3);
      assertThat(o.journal().durableLsn()).isEqualTo(3);
    }
    try (Replayed.Opened o = Replayed.open(state)) {
      assertThat(o.replayed().records).containsExactly("a", "", "c");
      assertThat(o.replayed().lsns).containsExactly(1L, 2L, 3L);
      RecoveryReport r = o.journal().recovery();
      assertThat(r.records()).isEqualTo(3);
      assertThat(r.recordBytes()).isEqualTo(2);
      assertThat(r.lastLsn()).isEqualTo(3);
      assertThat(r.warnings()).isEmpty();
      assertThat(r.describe()).startsWith("journal recovered in ").contains("no snapshot, 3 records (2 bytes)");
      assertThat(o.append("d")).isEqualTo(4);
    }
  }

  @Test
  void eightThreadsTimesAThousandAppendsGetUniqueLsnsShareFsyncsAndAllComeBack() throws Exception {
    Path state = tmp.resolve("state");
    AtomicInteger commits = new AtomicInteger();
    JournalOptions options = JournalOptions.defaults().withSegmentBytes(64 * 1024)
        .withObserver(new JournalObserver() {
          @Override
          public void committed(int records, long bytes, long nanos) {
            commits.incrementAndGet();
          }
        });
    ConcurrentLinkedQueue<Long> lsns = new ConcurrentLinkedQueue<>();
    try (Replayed.Opened o = Replayed.open(state, options)) {
      CountDownLatch start = new CountDownLatch(1);
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        threads.add(new Thread(() -> {
          try {
            start.await();
          } catch (InterruptedException e) {
            return;
          }
          List<CompletableFuture<Long>> mine = new ArrayList<>();
          for (int i = 0; i < 1000; i++) {
            mine.add(o.journal().append(Replayed.bytes(thread + ":" + i)));
            if (i % 50 == 49) { // some waiting, some pipelining
              mine.get(i).join();
            }
          }
          mine.forEach(f -> lsns.add(f.join()));
        }));
      }
      threads.forEach(Thread::start);
      start.countDown();
      for (Thread t : threads) {
        t.join();
      }
    }
    assertThat(new HashSet<>(lsns)).hasSize(8000)
        .isEqualTo(IntStream.rangeClosed(1, 8000).mapToObj(i -> (long) i).collect(Collectors.toSet()));
    assertThat(commits.get()).as("group commit: fewer fsyncs than appends").isLessThan(8000);
    try (Replayed.Opened o = Replayed.open(state)) {
      assertThat(o.replayed().lsns).containsExactlyElementsOf(IntStream.rangeClosed(1, 8000).mapToObj(i -> (long) i)
          .toList());
      assertThat(o.journal().recovery().segments()).isGreaterThan(1);
      // each thread's records in the order it appended them
      for (int t = 0; t < 8; t++) {
        String prefix = t + ":";
        assertThat(o.replayed().records.stream().filter(r -> r.startsWith(prefix)).toList())
            .containsExactlyElementsOf(IntStream.range(0, 1000).mapToObj(i -> prefix + i).toList());
      }
    }
  }

  @Test
  void aFullQueueRefusesAtOnceAndTheQueuedRecordsStillCommit() throws IOException {
    FaultyChannel.Disk disk = new FaultyChannel.Disk();
    Path state = tmp.resolve("state");
    try (Replayed.Opened o = Replayed.open(state, JournalOptions.defaults().withOpener(disk).withQueue(3, 1 << 20))) {
      Semaphore gate = new Semaphore(0);
      disk.forceGate = gate;
      CompletableFuture<Long> held = o.journal().append(Replayed.bytes("held"));
      while (!gate.hasQueuedThreads()) {
        Thread.onSpinWait();
      }
      List<CompletableFuture<Long>> queued = IntStream.range(0, 3)
          .mapToObj(i -> o.journal().append(Replayed.bytes("q" + i))).toList();

      CompletableFuture<Long> refused = o.journal().append(Replayed.bytes("one too many"));

      assertThat(refused).isCompletedExceptionally();
      assertThatThrownBy(refused::join).cause().isInstanceOf(AppendRefusedException.class)
          .hasMessage("journal queue full: 3 records (6 bytes) are waiting for the disk; try again shortly")
          .extracting(e -> ((AppendRefusedException) e).reason()).isEqualTo(Reason.QUEUE_FULL);
      disk.forceGate = null;
      gate.release(2);
      assertThat(held.join()).isEqualTo(1);
      assertThat(queued.stream().map(CompletableFuture::join)).containsExactly(2L, 3L, 4L);
      assertThat(o.append("then")).isEqualTo(5);
    }
  }

  @Test
  void aRecordOverTheLimitIsRefusedAndAClosedJournalRefusesAppends() throws IOException {
    Path state = tmp.resolve("state");
    JournalOptions small = new JournalOptions(1 << 20, 10, 100, 1 << 20, 1 << 20, 0, java.nio.channels.FileChannel::open,
        JournalObserver.NONE);
    Journal journal;
    try (Replayed.Opened o = Replayed.open(state, small)) {
      assertThatThrownBy(() -> o.append("eleven byte")).cause().isInstanceOf(AppendRefusedException.class)
          .hasMessage("journal record of 11 bytes refused: the limit is 10");
      journal = o.journal();
    }
    assertThatThrownBy(() -> journal.append(new byte[1]).join()).cause().hasMessage("journal closed");
  }

  @Test
  void aSnapshotCompactsCoveredSegmentsAndRecoveryIsTheSnapshotPlusTheTail() throws IOException {
    Path state = tmp.resolve("state");
    Path journalDir;
    try (Replayed.Opened o = Replayed.open(state, JournalOptions.defaults().withSegmentBytes(256))) {
      journalDir = o.dir().journalDir();
      for (int i = 1; i <= 20; i++) {
        o.append("record " + i + " ".repeat(40));
      }
      int before = Segments.segments(journalDir).size();
      assertThat(before).isGreaterThan(4);

      Journal.SnapshotResult result = o.journal().writeSnapshot(15, Replayed.bytes("state at 15")).join();

      assertThat(result.lsn()).isEqualTo(15);
      assertThat(result.segmentsDeleted()).isPositive();
      List<Segments.JournalFile> left = Segments.segments(journalDir);
      assertThat(left).hasSize(before - result.segmentsDeleted());
      assertThat(left.get(0).lsn()).as("the oldest segment kept holds LSN 16 or earlier").isLessThanOrEqualTo(16);
      assertThat(left.size() < 2 || left.get(1).lsn() > 16).as("and no segment wholly covered is kept").isTrue();
      o.append("record 21");
    }
    try (Replayed.Opened o = Replayed.open(state)) {
      assertThat(o.replayed().snapshotLsn).isEqualTo(15);
      assertThat(new String(o.replayed().snapshot, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("state at 15");
      assertThat(o.replayed().lsns).containsExactly(16L, 17L, 18L, 19L, 20L, 21L);
      assertThat(o.replayed().records.get(5)).isEqualTo("record 21");
      assertThat(o.journal().recovery().snapshotLsn()).isEqualTo(15);
      assertThat(o.append("22")).isEqualTo(22);

      // a newer snapshot replaces the older one
      o.journal().writeSnapshot(22, Replayed.bytes("state at 22")).join();
      assertThat(Segments.snapshots(journalDir)).extracting(Segments.JournalFile::lsn).containsExactly(22L);
      assertThatThrownBy(() -> o.journal().writeSnapshot(20, new byte[0]).join()).cause()
          .hasMessage("snapshot at LSN 20 is not newer than the last one, at LSN 22");
      assertThatThrownBy(() -> o.journal().writeSnapshot(23, new byte[0]).join()).cause()
          .hasMessage("snapshot at LSN 23: only LSNs 1 to 22 were appended");
    }
    try (Replayed.Opened o = Replayed.open(state)) {
      assertThat(o.replayed().snapshotLsn).isEqualTo(22);
      assertThat(o.replayed().lsns).isEmpty();
      assertThat(o.append("23")).isEqualTo(23);
    }
  }

  @Test
  void appendsGoOnWhileASnapshotIsWritten() throws Exception {
    Path state = tmp.resolve("state");
    try (Replayed.Opened o = Replayed.open(state, JournalOptions.defaults().withSegmentBytes(4096))) {
      for (int i = 1; i <= 200; i++) {
        o.journal().append(Replayed.bytes("r" + i));
      }
      long at = o.journal().appendedLsn(); // the state "as of" this LSN, copied by the caller
      CompletableFuture<Journal.SnapshotResult> snapshot = o.journal().writeSnapshot(at, new byte[1 << 20]);
      List<CompletableFuture<Long>> more = new ArrayList<>();
      for (int i = 201; i <= 400; i++) {
        more.add(o.journal().append(Replayed.bytes("r" + i)));
      }
      assertThat(snapshot.join().lsn()).isEqualTo(200);
      assertThat(more.get(199).join()).isEqualTo(400);
    }
    try (Replayed.Opened o = Replayed.open(state)) {
      assertThat(o.replayed().snapshotLsn).isEqualTo(200);
      assertThat(o.replayed().snapshot).hasSize(1 << 20);
      assertThat(o.replayed().lsns).containsExactlyElementsOf(LongRange.of(201, 400));
      assertThat(o.replayed().records.get(0)).isEqualTo("r201");
    }
  }

  @Test
  void whatACompactionACrashInterruptedIsFinishedOnOpen() throws IOException {
    Path state = tmp.resolve("state");
    Path journalDir;
    List<Path> before;
    try (Replayed.Opened o = Replayed.open(state, JournalOptions.defaults().withSegmentBytes(100))) {
      journalDir = o.dir().journalDir();
      for (int i = 1; i <= 6; i++) {
        o.append("record " + i + " ".repeat(40));
      }
      before = Segments.segments(journalDir).stream().map(Segments.JournalFile::path).toList();
    }
    // the snapshot was renamed into place, then the crash: no segment deleted, a temporary left behind
    SnapshotFiles.write(journalDir, 4, Replayed.bytes("state at 4"));
    Files.writeString(journalDir.resolve("snapshot-00000000000000000009.snap.tmp"), "half");

    try (Replayed.Opened o = Replayed.open(state)) {
      assertThat(o.replayed().snapshotLsn).isEqualTo(4);
      assertThat(o.replayed().lsns).containsExactly(5L, 6L);
    }
    assertThat(Segments.segments(journalDir).size()).isLessThan(before.size());
    assertThat(Segments.temporaries(journalDir)).isEmpty();
  }

  @Test
  void aFullDiskFailsTheBatchAndEveryLaterAppendAndKeepsWhatWasAcknowledged() throws IOException {
    FaultyChannel.Disk disk = new FaultyChannel.Disk();
    AtomicInteger failures = new AtomicInteger();
    Path state = tmp.resolve("state");
    JournalOptions options = JournalOptions.defaults().withOpener(disk).withObserver(new JournalObserver() {
      @Override
      public void failed(Exception cause) {
        failures.incrementAndGet();
      }
    });
    try (Replayed.Opened o = Replayed.open(state, options)) {
      for (int i = 1; i <= 10; i++) {
        o.append("acknowledged " + i);
      }
      disk.bytesLeft.set(30); // the next record's frame fits only in part

      CompletableFuture<Long> full = o.journal().append(Replayed.bytes("this one does not fit on the disk"));

      assertThatThrownBy(full::join).cause().isInstanceOf(AppendRefusedException.class)
          .hasMessage("journal write failed (No space left on device): nothing after LSN 10 is on disk; "
              + "appends are refused until the journal is reopened")
          .extracting(e -> ((AppendRefusedException) e).reason()).isEqualTo(Reason.FAILED);
      disk.bytesLeft.set(Long.MAX_VALUE); // space again: the journal still refuses until reopened
      assertThatThrownBy(() -> o.append("later")).cause().isInstanceOf(AppendRefusedException.class)
          .hasMessageContaining("No space left on device");
      assertThat(o.journal().durableLsn()).isEqualTo(10);
      assertThat(failures.get()).isEqualTo(1);
    }
    try (Replayed.Opened o = Replayed.open(state)) {
      assertThat(o.replayed().records).containsExactlyElementsOf(
          IntStream.rangeClosed(1, 10).mapToObj(i -> "acknowledged " + i).toList());
      assertThat(o.journal().recovery().warnings()).as("the failed batch was cut back").isEmpty();
      assertThat(o.append("after reopening")).isEqualTo(11);
    }
  }

  @Test
  void aFailedFsyncFailsTheAppendsWaitingForIt() throws IOException {
    FaultyChannel.Disk disk = new FaultyChannel.Disk();
    Path state = tmp.resolve("state");
    try (Replayed.Opened o = Replayed.open(state, JournalOptions.defaults().withOpener(disk))) {
      o.append("kept");
      disk.failForce = true;

      assertThatThrownBy(() -> o.append("lost")).cause().isInstanceOf(AppendRefusedException.class)
          .hasMessageStartingWith("journal write failed (Input/output error): nothing after LSN 1 is on disk");
      CompletableFuture<Journal.SnapshotResult> snapshot = o.journal().writeSnapshot(2, new byte[0]);
      assertThat(snapshot).isCompletedExceptionally();
    }
    try (Replayed.Opened o = Replayed.open(state)) {
      assertThat(o.replayed().records).containsExactly("kept");
    }
  }

  /** A few lines of LSN ranges, for readable expectations. */
  private static final class LongRange {
    static List<Long> of(long from, long to) {
      return java.util.stream.LongStream.rangeClosed(from, to).boxed().toList();
    }
  }

}
