package dev.iris.controller.journal;

import dev.iris.controller.journal.Segments.JournalFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a journal directory back: the latest snapshot, then every record after it in LSN order, checking
 * each frame. A torn tail (the last segment ending in a record a crash interrupted) is cut at the last good
 * record with one warning; anything else wrong (a bad record before good ones of a later commit, a missing
 * or misnamed segment, a damaged snapshot) throws {@link JournalCorruptException}. Also finishes what a
 * crash interrupted: deletes temporary files, superseded snapshots and segments a snapshot covers.
 */
final class JournalRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(JournalRecovery.class);

  private final Path dir;
  private final int maxRecordBytes;
  private final RecoveryHandler handler;
  private final List<String> warnings = new ArrayList<>();
  private long records;
  private long recordBytes;

  /**
   * What the writer continues from.
   *
   * @param segments the segments kept, in LSN order
   * @param nextLsn the LSN the next append gets
   * @param tailEnd where the last segment's good records end, or -1 when the writer must begin a new
   *     segment at {@code nextLsn} (none left, or the last one does not end at {@code nextLsn - 1})
   */
  record Recovered(RecoveryReport report, List<JournalFile> segments, long nextLsn, long tailEnd) {}

  private JournalRecovery(Path dir, int maxRecordBytes, RecoveryHandler handler) {
    this.dir = dir;
    this.maxRecordBytes = maxRecordBytes;
    this.handler = handler;
  }

  static Recovered run(Path dir, int maxRecordBytes, RecoveryHandler handler, long startNanos) throws IOException {
    return new JournalRecovery(dir, maxRecordBytes, handler).run(startNanos);
  }

  private Recovered run(long startNanos) throws IOException {
    for (Path temp : Segments.temporaries(dir)) {
      LOG.debug("deleting {}, left by an interrupted write", temp);
      Files.delete(temp);
    }
    List<JournalFile> snapshots = Segments.snapshots(dir);
    long snapshotLsn = 0;
    long snapshotBytes = 0;
    if (!snapshots.isEmpty()) {
      JournalFile latest = snapshots.get(snapshots.size() - 1);
      byte[] snapshot = SnapshotFiles.read(latest.path(), latest.lsn());
      snapshotLsn = latest.lsn();
      snapshotBytes = snapshot.length;
      handler.snapshot(snapshotLsn, snapshot);
      for (JournalFile older : snapshots.subList(0, snapshots.size() - 1)) {
        Files.delete(older.path());
      }
    }
    List<JournalFile> segments = new ArrayList<>(Segments.segments(dir));
    // segments wholly covered by the snapshot: a compaction the crash interrupted
    while (segments.size() > 1 && segments.get(1).lsn() - 1 <= snapshotLsn) {
      Files.delete(segments.remove(0).path());
    }
    long expected = segments.isEmpty() ? snapshotLsn + 1 : segments.get(0).lsn();
    if (expected > snapshotLsn + 1) {
      throw new JournalCorruptException("the first segment " + segments.get(0).path() + " begins at LSN " + expected
          + " but " + (snapshotLsn == 0 ? "there is no snapshot" : "the snapshot covers LSNs up to " + snapshotLsn)
          + ": records " + (snapshotLsn + 1) + " to " + (expected - 1) + " are missing");
    }
    long tailEnd = -1;
    for (int i = 0; i < segments.size(); i++) {
      JournalFile segment = segments.get(i);
      if (segment.lsn() != expected) {
        throw new JournalCorruptException("segment " + segment.path() + " begins at LSN " + segment.lsn()
            + " but the one before it ends at LSN " + (expected - 1) + ": a segment is missing or misnamed");
      }
      boolean last = i == segments.size() - 1;
      long[] state = {expected};
      tailEnd = readSegment(segment, last, snapshotLsn, state);
      expected = state[0];
    }
    Files.createDirectories(dir);
    Segments.syncDirectory(dir);
    long nextLsn = Math.max(expected, snapshotLsn + 1);
    if (nextLsn != expected) {
      tailEnd = -1; // the records end before the snapshot's LSN: continue in a segment of its own
    }
    RecoveryReport report = new RecoveryReport(snapshotLsn, snapshotBytes, records, recordBytes, segments.size(),
        nextLsn - 1, List.copyOf(warnings), java.time.Duration.ofNanos(System.nanoTime() - startNanos));
    return new Recovered(report, segments, nextLsn, tailEnd);
  }

  /** Reads one segment from its header on; advances {@code expected[0]}; answers where its good records end. */
  private long readSegment(JournalFile segment, boolean last, long snapshotLsn, long[] expected) throws IOException {
    Path path = segment.path();
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = ch.size();
      if (size > Integer.MAX_VALUE) {
        throw new JournalCorruptException("segment " + path + " is " + size + " bytes, larger than any the journal writes");
      }
      MappedByteBuffer data = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
      if (!Segments.hasHeader(data, segment.lsn())) {
        if (last && size <= Segments.HEADER) {
          warn("journal tail cut: segment " + path + " has a header a crash interrupted (" + size
              + " bytes); rewritten");
          ch.truncate(0);
          Segments.writeFully(ch, Segments.header(segment.lsn()), 0);
          ch.force(true);
          return Segments.HEADER;
        }
        throw new JournalCorruptException("segment " + path + " does not begin with a journal segment header for LSN "
            + segment.lsn());
      }
      int at = Segments.HEADER;
      while (at < size) {
        Frames.FrameRead frame = Frames.read(data, at, maxRecordBytes);
        if (frame.ok() && frame.lsn() == expected[0]) {
          if (frame.lsn() > snapshotLsn) {
            byte[] payload = new byte[frame.length()];
            data.get(at + Frames.HEADER, payload);
            records++;
            recordBytes += payload.length;
            handler.record(frame.lsn(), payload);
          }
          expected[0]++;
          at = (int) frame.end(at);
          continue;
        }
        if (Frames.zerosFrom(data, at)) {
          break; // the clean end: what follows was written ahead as zeros for records to come
        }
        cutOrRefuse(path, data, at, frame, expected[0], last);
        ch.truncate(at);
        ch.force(true);
        break;
      }
      return at;
    }
  }

  /** A bad frame at {@code at}: returns when it is a torn tail (to be cut there), throws when it is damage. */
  private void cutOrRefuse(Path path, ByteBuffer data, int at, Frames.FrameRead frame, long expected, boolean last)
      throws JournalCorruptException {
    String what = frame.ok() ? "LSN " + frame.lsn() + " where " + expected + " was due"
        : Frames.zerosFrom(data.duplicate().limit(Math.min(data.limit(), at + Frames.HEADER)), at)
        ? "zeros where a record header was due" : frame.problem().text;
    String where = "segment " + path + " at offset " + at + " (the record for LSN " + expected + ": " + what + ")";
    if (!last) {
      throw new JournalCorruptException(where + ", and later segments follow it");
    }
    int later = Frames.laterBatchAfter(data, at, expected, maxRecordBytes);
    if (later >= 0) {
      throw new JournalCorruptException(where + ", and a later commit follows it at offset " + later);
    }
    warn("journal tail cut: " + where + "; " + (data.limit() - at) + " bytes of a write a crash interrupted "
        + "(never acknowledged) dropped, LSN " + (expected - 1) + " is the last kept");
  }

  private void warn(String warning) {
    warnings.add(warning);
    LOG.warn(warning);
  }
}
