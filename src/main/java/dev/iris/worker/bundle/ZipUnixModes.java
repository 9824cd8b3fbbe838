package dev.iris.worker.bundle;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Unix file modes in a zip's central directory, which {@code java.util.zip} neither reads nor writes:
 * an entry made on Unix ("version made by" host 3) keeps {@code st_mode} in the upper 16 bits of its
 * external attributes. Zip64 archives are not inspected (their modes are simply unknown).
 */
final class ZipUnixModes {
  static final int S_IFMT = 0170000;
  static final int S_IFREG = 0100000;
  static final int S_IFDIR = 0040000;
  static final int S_IFLNK = 0120000;
  private static final int EOCD_SIGNATURE = 0x06054b50;
  private static final int CENTRAL_SIGNATURE = 0x02014b50;
  private static final int EOCD_SIZE = 22;
  private static final int MAX_COMMENT = 0xFFFF;
  private static final int UNIX_HOST = 3;

  private ZipUnixModes() {}

  /** Entry name to Unix mode, for the entries that record one; empty when unreadable. */
  static Map<String, Integer> read(Path zip) throws IOException {
    try (FileChannel channel = FileChannel.open(zip, StandardOpenOption.READ)) {
      long size = channel.size();
      int tailSize = (int) Math.min(size, EOCD_SIZE + MAX_COMMENT);
      ByteBuffer tail = readFully(channel, size - tailSize, tailSize);
      int eocd = findEndOfCentralDirectory(tail);
      if (eocd < 0) {
        return Map.of();
      }
      long cdSize = Integer.toUnsignedLong(tail.getInt(eocd + 12));
      long cdOffset = Integer.toUnsignedLong(tail.getInt(eocd + 16));
      if (cdOffset + cdSize > size || cdSize > Integer.MAX_VALUE) {
        return Map.of(); // zip64 or corrupt: modes unknown
      }
      Map<String, Integer> modes = new HashMap<>();
      forEachEntry(readFully(channel, cdOffset, (int) cdSize), 0, (int) cdSize,
          (buffer, at, name) -> unixMode(buffer, at).ifPresent(mode -> modes.put(name, mode)));
      return modes;
    }
  }

  /** Records {@code modes} (entry name to Unix mode) in the central directory of {@code zip}, in place. */
  static void write(byte[] zip, Map<String, Integer> modes) {
    ByteBuffer buffer = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
    int tailStart = Math.max(0, zip.length - EOCD_SIZE - MAX_COMMENT);
    ByteBuffer tail = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN).position(tailStart).slice()
        .order(ByteOrder.LITTLE_ENDIAN);
    int eocd = findEndOfCentralDirectory(tail);
    if (eocd < 0) {
      throw new IllegalArgumentException("not a zip archive");
    }
    int cdSize = tail.getInt(eocd + 12);
    int cdOffset = tail.getInt(eocd + 16);
    forEachEntry(buffer, cdOffset, cdOffset + cdSize, (b, at, name) -> {
      Integer mode = modes.get(name);
      if (mode != null) {
        int madeBy = b.getShort(at + 4) & 0xFF;
        b.putShort(at + 4, (short) ((UNIX_HOST << 8) | madeBy));
        b.putInt(at + 38, (mode << 16) | (b.getInt(at + 38) & 0xFFFF));
      }
    });
  }

  private interface EntryVisitor {
    void visit(ByteBuffer buffer, int entryOffset, String name);
  }

  private static void forEachEntry(ByteBuffer buffer, int start, int end, EntryVisitor visitor) {
    int at = start;
    while (at + 46 <= end && buffer.getInt(at) == CENTRAL_SIGNATURE) {
      int nameLength = buffer.getShort(at + 28) & 0xFFFF;
      int extraLength = buffer.getShort(at + 30) & 0xFFFF;
      int commentLength = buffer.getShort(at + 32) & 0xFFFF;
      if (at + 46 + nameLength > end) {
        return;
      }
      byte[] name = new byte[nameLength];
      buffer.get(at + 46, name);
      visitor.visit(buffer, at, new String(name, StandardCharsets.UTF_8));
      at += 46 + nameLength + extraLength + commentLength;
    }
  }

  private static Optional<Integer> unixMode(ByteBuffer buffer, int at) {
    int host = (buffer.getShort(at + 4) >> 8) & 0xFF;
    int mode = buffer.getInt(at + 38) >>> 16;
    return host == UNIX_HOST && mode != 0 ? Optional.of(mode) : Optional.empty();
  }

  private static int findEndOfCentralDirectory(ByteBuffer tail) {
    for (int at = tail.limit() - EOCD_SIZE; at >= 0; at--) {
      if (tail.getInt(at) == EOCD_SIGNATURE) {
        return at;
      }
    }
    return -1;
  }

  private static ByteBuffer readFully(FileChannel channel, long position, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, position + buffer.position()) < 0) {
        break;
      }
    }
    return buffer.flip();
  }
}
