package dev.iris.controller.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Recovery: a torn or corrupt tail is cut at the last good record with one warning naming file and offset;
 * damage before the tail (a bad record that a later commit follows, a missing segment, a bad snapshot)
 * refuses to open.
 */
class JournalRecoveryTest {
  private static final int RECORDS = 5;
  @TempDir
  Path tmp;
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final Logger recoveryLogger = (Logger) LoggerFactory.getLogger(JournalRecovery.class);

  @BeforeEach
  void captureWarnings() {
    log.start();
    recoveryLogger.addAppender(log);
  }

  @AfterEach
  void release() {
    recoveryLogger.detachAppender(log);
  }

  private List<String> warnings() {
    return log.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
  }

  private static String record(int i) {
    return "record " + i + " " + "x".repeat(30 + i);
  }

  /** A journal of {@link #RECORDS} records, each its own commit. */
  private Path journalOfFive(String name) throws IOException {
    Path path = tmp.resolve(name);
    try (Replayed.Opened o = Replayed.open(path)) {
      for (int i = 1; i <= RECORDS; i++) {
        o.append(record(i));
      }
    }
    return path;
  }

  private static Path onlySegment(Path state) throws IOException {
    List<Segments.JournalFile> segments = Segments.segments(state.resolve("journal"));
    assertThat(segments).hasSize(1);
    return segments.get(0).path();
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else if (!p.getFileName().toString().equals("LOCK")) {
          Files.copy(p, target);
        }
      }
    }
  }

  private static void truncate(Path file, long size) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(size);
    }
  }

  private static void flipBit(Path file, long offset, int bit) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(offset);
      int b = f.read();
      f.seek(offset);
      f.write(b ^ (1 << bit));
    }
  }

  /** Where record {@code i} (1-based) of {@link #journalOfFive} begins in its segment. */
  private static long offsetOf(int i) {
    long at = Segments.HEADER;
    for (int j = 1; j < i; j++) {
      at += Frames.size(Replayed.bytes(record(j)).length);
    }
    return at;
  }

  /**
   * A write the crash interrupted inside the last record, at every byte: the file ends there, or (the
   * segment having been extended with zeros ahead of its records) zeros follow.
   */
  @Test
  void aTornWriteAtEveryByteOfTheLastRecordIsCutThereWithOneWarningAndAppendsGoOn() throws IOException {
    Path pristine = journalOfFive("pristine");
    long lastStart = offsetOf(RECORDS);
    long end = offsetOf(RECORDS + 1);
    assertThat(Files.size(onlySegment(pristine))).as("written ahead").isGreaterThan(end);
    List<String> expected = IntStream.rangeClosed(1, RECORDS - 1).mapToObj(JournalRecoveryTest::record).toList();

    for (long cut = lastStart; cut < end; cut++) {
      for (boolean zeros : List.of(false, true)) {
        String as = (zeros ? "zeros from " : "cut at ") + cut;
        Path state = tmp.resolve("torn-" + cut + (zeros ? "-zeros" : ""));
        copyTree(pristine, state);
        Path segment = onlySegment(state);
        if (zeros) {
          zero(segment, cut, end);
        } else {
          truncate(segment, cut);
        }
        log.list.clear();

        try (Replayed.Opened o = Replayed.open(state)) {
          assertThat(o.replayed().records).as(as).containsExactlyElementsOf(expected);
          assertThat(o.replayed().lsns).containsExactly(1L, 2L, 3L, 4L);
          if (cut == lastStart) { // a clean end: the record was never begun
            assertThat(warnings()).as(as).isEmpty();
          } else {
            assertThat(warnings()).as(as).singleElement().asString()
                .startsWith("journal tail cut: segment " + segment + " at offset " + lastStart
                    + " (the record for LSN 5: ")
                .contains("LSN 4 is the last kept");
            assertThat(o.journal().recovery().warnings()).isEqualTo(warnings());
            assertThat(Files.size(segment)).isEqualTo(lastStart);
          }
          assertThat(o.append("after")).isEqualTo(5L);
        }
        log.list.clear();
        try (Replayed.Opened o = Replayed.open(state)) {
          assertThat(o.replayed().records).as(as).hasSize(RECORDS).endsWith("after");
          assertThat(warnings()).isEmpty();
        }
        deleteTree(state);
      }
    }
  }

  private static void zero(Path file, long from, long to) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.allocate((int) (to - from)), from);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }

  @Test
  void aFlippedBitInTheLastRecordIsCut() throws IOException {
    Path state = journalOfFive("state");
    Path segment = onlySegment(state);
    flipBit(segment, offsetOf(RECORDS) + Frames.HEADER + 3, 2);

    try (Replayed.Opened o = Replayed.open(state)) {
      assertThat(o.replayed().lsns).containsExactly(1L, 2L, 3L, 4L);
      assertThat(warnings()).singleElement().asString()
          .contains("segment " + segment + " at offset " + offsetOf(RECORDS) + " (the record for LSN 5: checksum mismatch)");
    }
  }

  @Test
  void aFlippedBitInAnEarlierRecordRefusesToOpenNamingFileAndOffset() throws IOException {
    Path state = journalOfFive("state");
    Path segment = onlySegment(state);
    long at = offsetOf(2);
    long size = Files.size(segment);
    flipBit(segment, at + Frames.HEADER + 10, 0);

    assertThatThrownBy(() -> Replayed.open(state)).isInstanceOf(JournalCorruptException.class)
        .hasMessageStartingWith("journal damaged before its tail: segment " + segment + " at offset " + at
            + " (the record for LSN 2: checksum mismatch), and a later commit follows it at offset " + offsetOf(3))
        .hasMessageContaining("refusing to start");
    assertThat(Files.size(segment)).as("nothing cut").isEqualTo(size);
    StateDir.open(state).close(); // the refused open let go of the directory
  }

  @Test
  void aFlippedBitInTheLengthOfAnEarlierRecordIsRefusedToo() throws IOException {
    Path state = journalOfFive("state");
    flipBit(onlySegment(state), offsetOf(3) + 5, 6);

    assertThatThrownBy(() -> Replayed.open(state)).isInstanceOf(JournalCorruptException.class)
        .hasMessageContaining("the record for LSN 3");
  }

  /**
   * A bad record followed only by records of its own group commit is a write the crash interrupted: that
   * commit was never forced, so nothing in it was acknowledged.
   */
  @Test
  void aBadRecordFollowedOnlyByItsOwnCommitIsATornTail() throws IOException {
    Path state = tmp.resolve("state");
    FaultyChannel.Disk disk = new FaultyChannel.Disk();
    try (Replayed.Opened o = Replayed.open(state, JournalOptions.defaults().withOpener(disk))) {
      o.append("one");
      Semaphore gate = new Semaphore(0);
      disk.forceGate = gate;
      CompletableFuture<Long> two = o.journal().append(Replayed.bytes("two"));
      while (!gate.hasQueuedThreads()) {
        Thread.onSpinWait(); // the writer waits to force "two"; the next four queue behind it
      }
      List<CompletableFuture<Long>> batch = new ArrayList<>();
      for (String r : List.of("three", "four", "five", "six")) {
        batch.add(o.journal().append(Replayed.bytes(r)));
      }
      gate.release(2);
      disk.forceGate = null;
      assertThat(two.join()).isEqualTo(2);
      assertThat(batch.stream().map(CompletableFuture::join)).containsExactly(3L, 4L, 5L, 6L);
      assertThat(disk.forces.get()).as("two group commits after the first: 'two', then the rest").isEqualTo(4);
    }
    Path segment = onlySegment(state);
    long four = Segments.HEADER + Stream.of("one", "two", "three").mapToLong(r -> Frames.size(r.length())).sum();
    flipBit(segment, four + Frames.HEADER, 1);

    try (Replayed.Opened o = Replayed.open(state)) {
      assertThat(o.replayed().records).containsExactly("one", "two", "three");
      assertThat(warnings()).singleElement().asString().contains("at offset " + four + " (the record for LSN 4");
    }
  }

  @Test
  void damageInASegmentBeforeTheLastRefuses() throws IOException {
    Path state = tmp.resolve("state");
    try (Replayed.Opened o = Replayed.open(state, JournalOptions.defaults().withSegmentBytes(100))) {
      for (int i = 1; i <= 6; i++) {
        o.append(record(i));
      }
    }
    List<Segments.JournalFile> segments = Segments.segments(state.resolve("journal"));
    assertThat(segments).hasSizeGreaterThan(2);
    Path first = segments.get(0).path();
    flipBit(first, Segments.HEADER + Frames.HEADER + 1, 3);

    assertThatThrownBy(() -> Replayed.open(state)).isInstanceOf(JournalCorruptException.class)
        .hasMessageContaining("segment " + first + " at offset " + Segments.HEADER)
        .hasMessageContaining("and later segments follow it");
  }

  @Test
  void aMissingMiddleSegmentRefusesNamingTheGap() throws IOException {
    Path state = tmp.resolve("state");
    try (Replayed.Opened o = Replayed.open(state, JournalOptions.defaults().withSegmentBytes(100))) {
      for (int i = 1; i <= 6; i++) {
        o.append(record(i));
      }
    }
    List<Segments.JournalFile> segments = Segments.segments(state.resolve("journal"));
    Files.delete(segments.get(1).path());

    assertThatThrownBy(() -> Replayed.open(state)).isInstanceOf(JournalCorruptException.class)
        .hasMessageContaining("segment " + segments.get(2).path() + " begins at LSN " + segments.get(2).lsn()
            + " but the one before it ends at LSN " + (segments.get(1).lsn() - 1) + ": a segment is missing");
  }

  @Test
  void aMissingFirstSegmentRefuses() throws IOException {
    Path state = tmp.resolve("state");
    try (Replayed.Opened o = Replayed.open(state, JournalOptions.defaults().withSegmentBytes(100))) {
      for (int i = 1; i <= 4; i++) {
        o.append(record(i));
      }
    }
    Files.delete(Segments.segments(state.resolve("journal")).get(0).path());

    assertThatThrownBy(() -> Replayed.open(state)).isInstanceOf(JournalCorruptException.class)
        .hasMessageContaining("begins at LSN 2 but there is no snapshot: records 1 to 1 are missing");
  }

  @Test
  void aDamagedSnapshotRefuses() throws IOException {
    Path state = tmp.resolve("state");
    try (Replayed.Opened o = Replayed.open(state)) {
      o.append("one");
      o.journal().writeSnapshot(1, Replayed.bytes("state at 1")).join();
    }
    Path snapshot = Segments.snapshots(state.resolve("journal")).get(0).path();
    flipBit(snapshot, Files.size(snapshot) - 2, 4);

    assertThatThrownBy(() -> Replayed.open(state)).isInstanceOf(JournalCorruptException.class)
        .hasMessageStartingWith("journal damaged before its tail: snapshot " + snapshot + " is damaged: checksum mismatch");
  }

  @Test
  void aSegmentWhoseHeaderACrashInterruptedIsRewritten() throws IOException {
    Path state = tmp.resolve("state");
    try (Replayed.Opened o = Replayed.open(state)) {
      o.append("one");
    }
    Path next = Segments.segment(state.resolve("journal"), 2);
    Files.write(next, new byte[] {'I', 'R', 'I'});

    try (Replayed.Opened o = Replayed.open(state)) {
      assertThat(o.replayed().records).containsExactly("one");
      assertThat(warnings()).singleElement().asString().contains(next + " has a header a crash interrupted");
      assertThat(o.append("two")).isEqualTo(2);
    }
    try (Replayed.Opened o = Replayed.open(state)) {
      assertThat(o.replayed().records).containsExactly("one", "two");
    }
  }
}
