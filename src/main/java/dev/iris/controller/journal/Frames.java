package dev.iris.controller.journal;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * How a record sits in a segment: a 20-byte header, then the payload.
 *
 * <pre>
 *   crc32c  u32   over every byte after it (length, lsn, batch index, payload)
 *   length  u32   payload bytes
 *   lsn     u64   the record's sequence number: 1, 2, 3, ... without gaps across segments
 *   index   u32   its position in the group commit that wrote it (0 for the first), so lsn - index is the
 *                 first LSN of that batch
 *   payload
 * </pre>
 *
 * The batch index is what tells a torn tail from earlier damage: a batch is forced before the next one is
 * written, so a bad record followed by a good one <em>of a later batch</em> was on disk and acknowledged
 * (damage), while a bad record followed only by records of its own batch is a write the crash interrupted.
 * All integers are big-endian.
 */
final class Frames {
  static final int HEADER = 20;

  private Frames() {}

  /** The bytes a record of {@code payloadLength} takes on disk. */
  static int size(int payloadLength) {
    return HEADER + payloadLength;
  }

  /** Writes one frame at {@code out}'s position (which must have {@link #size} bytes remaining). */
  static void put(ByteBuffer out, long lsn, int batchIndex, byte[] payload) {
    int start = out.position();
    out.putInt(0).putInt(payload.length).putLong(lsn).putInt(batchIndex).put(payload);
    CRC32C crc = new CRC32C();
    crc.update(out.duplicate().position(start + 4).limit(out.position()));
    out.putInt(start, (int) crc.getValue());
  }

  /** What is at an offset: a good frame, or why not. */
  record FrameRead(FrameDamage problem, long lsn, int batchIndex, int length) {
    boolean ok() {
      return problem == null;
    }

    /** The offset just past this frame, for a good one read at {@code offset}. */
    long end(long offset) {
      return offset + HEADER + length;
    }

    long batchFirstLsn() {
      return lsn - batchIndex;
    }
  }

  /** Why the bytes at an offset are not a good frame. */
  enum FrameDamage {
    SHORT_HEADER("the file ends inside a record header"),
    BAD_LENGTH("the length field is out of range"),
    SHORT_PAYLOAD("the file ends inside a record"),
    CRC_MISMATCH("checksum mismatch"),
    BAD_HEADER("the header is inconsistent");

    final String text;

    FrameDamage(String text) {
      this.text = text;
    }
  }

  /**
   * Reads the frame at {@code offset} of {@code data} (limit = the file's end), checking length and CRC;
   * {@code maxLength} bounds a plausible payload. The LSN is not checked against an expectation here.
   */
  static FrameRead read(ByteBuffer data, int offset, int maxLength) {
    int end = data.limit();
    if (end - offset < HEADER) {
      return new FrameRead(FrameDamage.SHORT_HEADER, 0, 0, 0);
    }
    int length = data.getInt(offset + 4);
    if (length < 0 || length > maxLength) {
      return new FrameRead(FrameDamage.BAD_LENGTH, 0, 0, length);
    }
    if (end - offset - HEADER < length) {
      return new FrameRead(FrameDamage.SHORT_PAYLOAD, 0, 0, length);
    }
    CRC32C crc = new CRC32C();
    crc.update(data.duplicate().limit(offset + HEADER + length).position(offset + 4));
    if ((int) crc.getValue() != data.getInt(offset)) {
      return new FrameRead(FrameDamage.CRC_MISMATCH, 0, 0, length);
    }
    long lsn = data.getLong(offset + 8);
    int index = data.getInt(offset + 16);
    if (lsn < 1 || index < 0 || index >= lsn) {
      return new FrameRead(FrameDamage.BAD_HEADER, lsn, index, length);
    }
    return new FrameRead(null, lsn, index, length);
  }

  /** Whether every byte from {@code from} to the limit is zero: space written ahead, no record begun there. */
  static boolean zerosFrom(ByteBuffer data, int from) {
    int at = from;
    for (; at + Long.BYTES <= data.limit(); at += Long.BYTES) {
      if (data.getLong(at) != 0) {
        return false;
      }
    }
    for (; at < data.limit(); at++) {
      if (data.get(at) != 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * The first offset after {@code from} holding a good frame written by a batch that began after
   * {@code lsn}, or -1. Such a frame proves the batch holding {@code lsn} had been forced (the writer forces
   * each batch before writing the next), so damage at {@code lsn} is not a torn write. Scans byte by byte:
   * only run on the damaged path.
   */
  static int laterBatchAfter(ByteBuffer data, int from, long lsn, int maxLength) {
    for (int at = from + 1; at + HEADER <= data.limit(); at++) {
      long candidate = data.getLong(at + 8);
      int index = data.getInt(at + 16);
      // cheap filters before the CRC: an LSN past the damaged one that could fit between, a sane index
      if (candidate <= lsn || candidate - lsn > (long) (at - from) / HEADER + 1 || index < 0
          || candidate - index <= lsn) {
        continue;
      }
      if (read(data, at, maxLength).ok()) {
        return at;
      }
    }
    return -1;
  }
}
