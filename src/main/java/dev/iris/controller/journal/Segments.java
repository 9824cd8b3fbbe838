package dev.iris.controller.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The journal's files by name: segments {@code segment-<first LSN, 20 digits>.log}, each opening with a
 * 16-byte header (magic {@code IRISJNL1}, first LSN), and snapshots {@code snapshot-<LSN>.snap}. Names sort
 * in LSN order. Also the directory fsync that makes a create, rename or delete durable.
 */
final class Segments {
  static final int HEADER = 16;
  private static final byte[] MAGIC = "IRISJNL1".getBytes(StandardCharsets.US_ASCII);
  private static final Pattern SEGMENT = Pattern.compile("segment-(\\d{20})\\.log");
  private static final Pattern SNAPSHOT = Pattern.compile("snapshot-(\\d{20})\\.snap");
  static final String TEMP_SUFFIX = ".tmp";

  private Segments() {}

  /** A journal file and the LSN in its name: a segment's first record, or what a snapshot covers. */
  record JournalFile(Path path, long lsn) {}

  static Path segment(Path dir, long firstLsn) {
    return dir.resolve(String.format(Locale.ROOT, "segment-%020d.log", firstLsn));
  }

  static Path snapshot(Path dir, long lsn) {
    return dir.resolve(String.format(Locale.ROOT, "snapshot-%020d.snap", lsn));
  }

  static List<JournalFile> segments(Path dir) throws IOException {
    return list(dir, SEGMENT);
  }

  static List<JournalFile> snapshots(Path dir) throws IOException {
    return list(dir, SNAPSHOT);
  }

  /** Leftovers of a snapshot or segment whose write a crash interrupted. */
  static List<Path> temporaries(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(TEMP_SUFFIX)).sorted().toList();
    }
  }

  private static List<JournalFile> list(Path dir, Pattern pattern) throws IOException {
    List<JournalFile> found = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files.sorted()::iterator) {
        Matcher m = pattern.matcher(p.getFileName().toString());
        if (m.matches()) {
          found.add(new JournalFile(p, Long.parseLong(m.group(1))));
        }
      }
    }
    return found;
  }

  static ByteBuffer header(long firstLsn) {
    return ByteBuffer.allocate(HEADER).put(MAGIC).putLong(firstLsn).flip();
  }

  /** Whether {@code data} opens with the header of a segment whose first LSN is {@code firstLsn}. */
  static boolean hasHeader(ByteBuffer data, long firstLsn) {
    if (data.limit() < HEADER) {
      return false;
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (data.get(i) != MAGIC[i]) {
        return false;
      }
    }
    return data.getLong(MAGIC.length) == firstLsn;
  }

  /** Makes the creation, renaming or deletion of files in {@code dir} durable. */
  static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      ch.write(buf);
    }
  }

  static void writeFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
    long at = position;
    while (buf.hasRemaining()) {
      at += ch.write(buf, at);
    }
  }
}
