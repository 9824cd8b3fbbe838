package dev.iris.controller.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * A snapshot file: a 28-byte header (magic {@code IRISSNP1}, the LSN it covers, the payload length, the
 * payload's CRC32C), then the payload. Written to a temporary file, forced, renamed into place and the
 * directory forced, so a crash leaves either the old snapshot or the new one, never half of one.
 */
final class SnapshotFiles {
  private static final byte[] MAGIC = "IRISSNP1".getBytes(StandardCharsets.US_ASCII);
  private static final int HEADER = 28;

  private SnapshotFiles() {}

  static Path write(Path dir, long lsn, byte[] payload) throws IOException {
    Path target = Segments.snapshot(dir, lsn);
    Path temp = target.resolveSibling(target.getFileName() + Segments.TEMP_SUFFIX);
    CRC32C crc = new CRC32C();
    crc.update(payload);
    ByteBuffer header = ByteBuffer.allocate(HEADER).put(MAGIC).putLong(lsn).putLong(payload.length)
        .putInt((int) crc.getValue()).flip();
    try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      Segments.writeFully(ch, header);
      Segments.writeFully(ch, ByteBuffer.wrap(payload));
      ch.force(true);
    } catch (IOException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    Segments.syncDirectory(dir);
    return target;
  }

  /** The payload of the snapshot at {@code path} covering {@code lsn}, checked whole. */
  static byte[] read(Path path, long lsn) throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = ch.size();
      ByteBuffer header = ByteBuffer.allocate(HEADER);
      readFully(ch, header, 0);
      header.flip();
      String problem = null;
      if (size < HEADER || !header.slice(0, MAGIC.length).equals(ByteBuffer.wrap(MAGIC))) {
        problem = "not a snapshot (bad header)";
      } else if (header.getLong(8) != lsn) {
        problem = "it says LSN " + header.getLong(8) + ", its name " + lsn;
      } else if (header.getLong(16) != size - HEADER || size - HEADER > Integer.MAX_VALUE - 8) {
        problem = "length " + header.getLong(16) + " but " + (size - HEADER) + " bytes follow the header";
      }
      if (problem == null) {
        byte[] payload = new byte[(int) (size - HEADER)];
        readFully(ch, ByteBuffer.wrap(payload), HEADER);
        CRC32C crc = new CRC32C();
        crc.update(payload);
        if ((int) crc.getValue() == header.getInt(24)) {
          return payload;
        }
        problem = "checksum mismatch";
      }
      throw new JournalCorruptException("snapshot " + path + " is damaged: " + problem);
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
    long at = position;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, at);
      if (n < 0) {
        return;
      }
      at += n;
    }
  }
}
