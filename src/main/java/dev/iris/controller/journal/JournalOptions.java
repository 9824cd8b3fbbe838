package dev.iris.controller.journal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Set;

/**
 * How a {@link Journal} writes.
 *
 * @param segmentBytes a segment is closed and a new one begun once the next record would take it past
 *     this size (a single larger record gets a segment of its own)
 * @param maxRecordBytes the largest record accepted; recovery treats a larger length field as damage
 * @param queueRecords appends waiting for the disk beyond which new ones are refused ({@link
 *     AppendRefusedException.Reason#QUEUE_FULL})
 * @param queueBytes the same bound in payload bytes
 * @param batchBytes a group commit writes at most about this much before it forces
 * @param preallocateBytes the writer extends a segment with zeros this much at a time ahead of its records
 *     (0: never), so that an append's fsync has only data to flush, not a new file size and new blocks
 *     (measured in docs/DESIGN-durability.md)
 * @param opener opens the segment files the writer appends to (tests inject faults here)
 * @param observer told of each commit and failure, for metrics
 */
public record JournalOptions(long segmentBytes, int maxRecordBytes, int queueRecords, long queueBytes,
    int batchBytes, long preallocateBytes, ChannelOpener opener, JournalObserver observer) {
  public static final long MIB = 1L << 20;

  public JournalOptions {
    if (segmentBytes < Segments.HEADER + Frames.HEADER || maxRecordBytes < 1 || queueRecords < 1 || queueBytes < 1
        || batchBytes < 1 || preallocateBytes < 0) {
      throw new IllegalArgumentException("journal sizes must be positive (segment at least "
          + (Segments.HEADER + Frames.HEADER) + " bytes)");
    }
  }

  /**
   * 64 MiB segments and records, 100,000 appends or 256 MiB waiting, 4 MiB per group commit, segments
   * extended 1 MiB at a time.
   */
  public static JournalOptions defaults() {
    return new JournalOptions(64 * MIB, (int) (64 * MIB), 100_000, 256 * MIB, (int) (4 * MIB), MIB,
        FileChannel::open, JournalObserver.NONE);
  }

  public JournalOptions withSegmentBytes(long bytes) {
    return new JournalOptions(bytes, maxRecordBytes, queueRecords, queueBytes, batchBytes, preallocateBytes, opener,
        observer);
  }

  public JournalOptions withQueue(int records, long bytes) {
    return new JournalOptions(segmentBytes, maxRecordBytes, records, bytes, batchBytes, preallocateBytes, opener,
        observer);
  }

  public JournalOptions withPreallocateBytes(long bytes) {
    return new JournalOptions(segmentBytes, maxRecordBytes, queueRecords, queueBytes, batchBytes, bytes, opener,
        observer);
  }

  public JournalOptions withOpener(ChannelOpener channelOpener) {
    return new JournalOptions(segmentBytes, maxRecordBytes, queueRecords, queueBytes, batchBytes, preallocateBytes,
        channelOpener, observer);
  }

  public JournalOptions withObserver(JournalObserver journalObserver) {
    return new JournalOptions(segmentBytes, maxRecordBytes, queueRecords, queueBytes, batchBytes, preallocateBytes,
        opener, journalObserver);
  }

  /** Opens a file channel: {@code FileChannel::open}, or a wrapper that injects faults. */
  @FunctionalInterface
  public interface ChannelOpener {
    FileChannel open(Path path, Set<? extends OpenOption> options) throws IOException;
  }
}
