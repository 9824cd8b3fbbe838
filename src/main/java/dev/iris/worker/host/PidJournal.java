package dev.iris.worker.host;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The processes a worker has started and not yet cleaned up, as one append-only file: a line
 * {@code + <name> <pid> <start instant>} when a task process starts and {@code - <name>} when its tree
 * is gone. One append per event instead of a file created and deleted per attempt, which on a busy
 * file system costs an inode allocation each (see BENCHMARKS.md, scenario 7). When most lines are
 * obsolete the file is rewritten with the live records (to a temporary file, then renamed over it).
 *
 * <p>{@link #replay} reads such a file after a crash; it also reads the older one-record-per-file format
 * ({@code <pid> <start instant>}, the record named by the file). Thread-safe.
 */
final class PidJournal implements AutoCloseable {
  /** A recorded process: its pid and start instant (to tell it from a later process with the same pid). */
  record Entry(long pid, Instant start) {}

  private static final int COMPACT_AFTER_LINES = 8_192;

  private final Path file;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, Entry> live = new LinkedHashMap<>();
  private FileChannel out;
  private int lines;

  PidJournal(Path file) {
    this.file = file;
  }

  /** Appends a record of a started process under {@code name} (a file-name-safe key, no spaces). */
  void record(String name, long pid, Instant start) {
    lock.lock();
    try {
      live.put(name, new Entry(pid, start));
      append("+ " + name + " " + pid + " " + start + "\n");
    } finally {
      lock.unlock();
    }
  }

  /** Appends that the process recorded under {@code name} is gone; nothing when it was not recorded. */
  void forget(String name) {
    lock.lock();
    try {
      if (live.remove(name) == null) {
        return;
      }
      append("- " + name + "\n");
      if (lines >= COMPACT_AFTER_LINES && lines > 4 * live.size()) {
        compact();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Whether some recorded process has not been forgotten yet. */
  boolean hasLive() {
    lock.lock();
    try {
      return !live.isEmpty();
    } finally {
      lock.unlock();
    }
  }

  /** Closes the file and forgets what was recorded; a later record starts a new file. */
  @Override
  public void close() {
    lock.lock();
    try {
      live.clear();
      closeFile();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close " + file, e);
    } finally {
      lock.unlock();
    }
  }

  /**
   * The records of {@code file} still live at its end (recorded and not forgotten), by name. Lines that
   * do not parse (a torn last line after a crash, garbage) are skipped and counted in {@code skipped}.
   */
  static Map<String, Entry> replay(Path file, int[] skipped) throws IOException {
    Map<String, Entry> result = new LinkedHashMap<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        String[] f = line.trim().split(" ");
        try {
          if (f.length == 4 && f[0].equals("+")) {
            result.put(f[1], new Entry(Long.parseLong(f[2]), Instant.parse(f[3])));
          } else if (f.length == 2 && f[0].equals("-")) {
            result.remove(f[1]);
          } else if (f.length == 2) { // the one-record-per-file format
            result.put(file.getFileName().toString(), new Entry(Long.parseLong(f[0]), Instant.parse(f[1])));
          } else if (!line.isBlank()) {
            skipped[0]++;
          }
        } catch (NumberFormatException | DateTimeParseException e) {
          skipped[0]++;
        }
      }
    }
    return result;
  }

  private void append(String line) {
    try {
      if (out == null) {
        Files.createDirectories(file.getParent());
        out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.APPEND);
      }
      writeFully(out, line);
      lines++;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private void compact() {
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      StringBuilder text = new StringBuilder();
      live.forEach((name, e) -> text.append("+ ").append(name).append(' ').append(e.pid()).append(' ')
          .append(e.start()).append('\n'));
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        writeFully(channel, text.toString());
      }
      closeFile();
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      lines = live.size();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot compact " + file, e); // the old file is still complete
    }
  }

  private void closeFile() throws IOException {
    if (out != null) {
      FileChannel closing = out;
      out = null;
      lines = 0;
      closing.close();
    }
  }

  private static void writeFully(FileChannel channel, String text) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    while (bytes.hasRemaining()) {
      channel.write(bytes);
    }
  }
}
