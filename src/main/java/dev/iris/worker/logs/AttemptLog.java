package dev.iris.worker.logs;

import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The log of one attempt: two segment files, {@code current.log} and {@code previous.log}, of at most
 * {@code segmentBytes} each. When the current segment is full it becomes the previous one (replacing
 * it) and a new current segment starts, so the oldest half of the budget is dropped at once and nothing
 * is ever rewritten. Writes go through a buffer that is flushed by every read and by {@link #finish()}.
 * One lock guards the writer; reads hold it only to flush and open the segments.
 */
final class AttemptLog {
  static final String CURRENT = "current.log";
  static final String PREVIOUS = "previous.log";
  private static final int WRITE_BUFFER_BYTES = 64 * 1024;

  private final ReentrantLock lock = new ReentrantLock();
  private final Path dir;
  private final long segmentBytes;
  private final int maxDataChars;
  private final Clock clock;
  private final StringBuilder scratch = new StringBuilder(256);
  private OutputStream out;
  private long currentBytes;
  private long currentFirstLine;
  private long nextLine;
  private boolean deleted;

  private AttemptLog(Path dir, long segmentBytes, Clock clock) {
    this.dir = dir;
    this.segmentBytes = segmentBytes;
    this.maxDataChars = (int) Math.min(Integer.MAX_VALUE, Math.max(1, segmentBytes / 8));
    this.clock = clock;
  }

  /** Opens the log in {@code dir}, continuing the line numbers of segments already there. */
  static AttemptLog open(Path dir, long segmentBytes, Clock clock) throws IOException {
    AttemptLog log = new AttemptLog(dir, segmentBytes, clock);
    Files.createDirectories(dir);
    long[] previous = firstAndLastLine(dir.resolve(PREVIOUS));
    long[] current = firstAndLastLine(dir.resolve(CURRENT));
    log.nextLine = Math.max(previous[1], current[1]) + 1;
    log.currentFirstLine = current[0] >= 0 ? current[0] : log.nextLine;
    log.currentBytes = Files.exists(dir.resolve(CURRENT)) ? Files.size(dir.resolve(CURRENT)) : 0;
    return log;
  }

  /**
   * Stores one line stamped with the clock's time; returns the bytes written (0 when dropped). Dropped
   * silently once the log was deleted.
   */
  int append(String source, String data) throws IOException {
    String stored = data.length() > maxDataChars ? data.substring(0, maxDataChars) : data;
    lock.lock();
    try {
      if (deleted) {
        return 0;
      }
      byte[] record = LogLineCodec.encode(new LogLine(nextLine, clock.millis(), source, stored), scratch);
      if (currentBytes > 0 && currentBytes + record.length > segmentBytes) {
        rotate();
      }
      if (out == null) {
        out = openCurrent(StandardOpenOption.APPEND);
      }
      if (currentBytes == 0) {
        currentFirstLine = nextLine;
      }
      out.write(record);
      currentBytes += record.length;
      nextLine++;
      return record.length;
    } finally {
      lock.unlock();
    }
  }

  /** Lines matching {@code filter}, as of now. */
  List<LogLine> read(LogFilter filter) throws IOException {
    LogQuery query = new LogQuery(filter);
    FileChannel previous = null;
    FileChannel current = null;
    long lastLine;
    long firstOfCurrent;
    lock.lock();
    try {
      if (deleted) {
        return List.of();
      }
      if (out != null) {
        out.flush();
      }
      previous = openForRead(dir.resolve(PREVIOUS));
      try {
        current = openForRead(dir.resolve(CURRENT));
      } catch (IOException e) {
        if (previous != null) {
          previous.close();
        }
        throw e;
      }
      lastLine = nextLine - 1;
      firstOfCurrent = currentFirstLine;
    } finally {
      lock.unlock();
    }
    // The open channels keep their files' contents even if a rotation renames or replaces them now.
    try (FileChannel p = previous; FileChannel c = current) {
      boolean more = true;
      if (p != null && !query.skipsLinesBefore(firstOfCurrent)) {
        more = scan(p, lastLine, query);
      }
      if (more && c != null) {
        scan(c, lastLine, query);
      }
    }
    return query.result();
  }

  /** Flushes and closes the writer; a later append reopens it. */
  void finish() throws IOException {
    lock.lock();
    try {
      closeWriter();
      scratch.setLength(0);
      scratch.trimToSize();
    } finally {
      lock.unlock();
    }
  }

  /** Closes the writer and removes the files; later appends are dropped. */
  void delete() throws IOException {
    lock.lock();
    try {
      deleted = true;
      closeWriter();
      deleteFiles(dir);
    } finally {
      lock.unlock();
    }
  }

  static void deleteFiles(Path dir) throws IOException {
    Files.deleteIfExists(dir.resolve(CURRENT));
    Files.deleteIfExists(dir.resolve(PREVIOUS));
    Files.deleteIfExists(dir);
  }

  private void rotate() throws IOException {
    closeWriter();
    Files.move(dir.resolve(CURRENT), dir.resolve(PREVIOUS),
        StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    out = openCurrent(StandardOpenOption.TRUNCATE_EXISTING);
    currentBytes = 0;
  }

  private OutputStream openCurrent(StandardOpenOption mode) throws IOException {
    OutputStream file = Files.newOutputStream(
        dir.resolve(CURRENT), StandardOpenOption.CREATE, StandardOpenOption.WRITE, mode);
    return new BufferedOutputStream(file, WRITE_BUFFER_BYTES);
  }

  private void closeWriter() throws IOException {
    if (out != null) {
      OutputStream closing = out;
      out = null;
      closing.close();
    }
  }

  private static boolean scan(FileChannel channel, long lastLine, LogQuery query) throws IOException {
    BufferedReader reader = new BufferedReader(
        new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8), 64 * 1024);
    for (String record = reader.readLine(); record != null; record = reader.readLine()) {
      if (LogLineCodec.lineNumber(record) > lastLine || !query.offer(record)) {
        return false;
      }
    }
    return true;
  }

  private static FileChannel openForRead(Path file) throws IOException {
    try {
      return FileChannel.open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      return null; // this segment does not exist yet
    }
  }

  /** First and last line numbers in a segment ({-1, -1} when empty); ends a torn last record. */
  private static long[] firstAndLastLine(Path file) throws IOException {
    long[] range = {-1, -1};
    if (!Files.exists(file)) {
      return range;
    }
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String record = reader.readLine(); record != null; record = reader.readLine()) {
        long number = LogLineCodec.lineNumber(record);
        if (number >= 0) {
          range[0] = range[0] < 0 ? number : range[0];
          range[1] = Math.max(range[1], number);
        }
      }
    }
    terminateTornRecord(file);
    return range;
  }

  private static void terminateTornRecord(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = channel.size();
      ByteBuffer last = ByteBuffer.allocate(1);
      if (size > 0 && channel.read(last, size - 1) == 1 && last.get(0) != '\n') {
        channel.write(ByteBuffer.wrap(new byte[] {'\n'}), size);
      }
    }
  }
}
