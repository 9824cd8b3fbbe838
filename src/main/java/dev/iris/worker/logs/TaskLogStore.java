package dev.iris.worker.logs;

import dev.iris.worker.attempt.AttemptKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stores task output on disk, one log per task attempt under
 * {@code <logsDir>/<task directory name>/attempt-<n>/}, each line stamped with the injected clock and
 * numbered from 0.
 *
 * <p>Bounded: an attempt's log never holds much more than {@code maxBytesPerAttempt} on disk; when it
 * is full the oldest lines are dropped first (half the budget at a time), while line numbers stay
 * absolute. A single line is cut to an eighth of half the budget. Nothing grows in memory with the
 * amount of output.
 *
 * <p>Visibility: writes are buffered and every read flushes first, so a read sees every line appended
 * before it. {@link #finish} flushes and closes an attempt's file when the attempt ends.
 *
 * <p>Thread-safe: appends (from output threads) and reads (from anywhere) may run concurrently; each
 * attempt has its own lock, held by a read only while it flushes.
 */
public final class TaskLogStore implements AutoCloseable {
  /** The default budget per attempt: 10 MiB. */
  public static final long DEFAULT_MAX_BYTES_PER_ATTEMPT = 10L * 1024 * 1024;
  private static final long MIN_BYTES_PER_ATTEMPT = 1024;

  private final Path logsDir;
  private final Clock clock;
  private final long segmentBytes;
  private final ConcurrentHashMap<AttemptKey, AttemptLog> logs = new ConcurrentHashMap<>();

  /** A store with the default budget of 10 MiB per attempt. */
  public TaskLogStore(Path logsDir, Clock clock) {
    this(logsDir, clock, DEFAULT_MAX_BYTES_PER_ATTEMPT);
  }

  /** A store keeping at most about {@code maxBytesPerAttempt} bytes of log per attempt. */
  public TaskLogStore(Path logsDir, Clock clock, long maxBytesPerAttempt) {
    if (maxBytesPerAttempt < MIN_BYTES_PER_ATTEMPT) {
      throw new IllegalArgumentException(
          "log budget per attempt must be at least " + MIN_BYTES_PER_ATTEMPT + " bytes, got " + maxBytesPerAttempt);
    }
    this.logsDir = logsDir;
    this.clock = clock;
    this.segmentBytes = maxBytesPerAttempt / 2;
  }

  /**
   * Appends one line.
   *
   * @return the bytes written to disk for it (its record, header included); 0 when it was dropped
   * @throws UncheckedIOException when the file cannot be written (the line is lost)
   */
  public int append(AttemptKey key, String source, String data) {
    try {
      return logs.computeIfAbsent(key, this::open).append(source, data);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the log of " + key, e);
    }
  }

  /**
   * The lines of an attempt that match {@code filter}, in line order; empty for an attempt without log.
   *
   * @throws UncheckedIOException when the files cannot be read
   */
  public List<LogLine> read(AttemptKey key, LogFilter filter) {
    AttemptLog log = logs.get(key);
    if (log == null) {
      if (!Files.isDirectory(directory(key))) {
        return List.of();
      }
      log = logs.computeIfAbsent(key, this::open);
    }
    try {
      return log.read(filter);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the log of " + key, e);
    }
  }

  /** Flushes and closes the attempt's file (the attempt ended); the lines stay readable. */
  public void finish(AttemptKey key) {
    AttemptLog log = logs.get(key);
    if (log != null) {
      try {
        log.finish();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot flush the log of " + key, e);
      }
    }
  }

  /** Removes the attempt's log from disk. Lines appended concurrently with the delete are dropped. */
  public void delete(AttemptKey key) {
    Path dir = directory(key);
    try {
      AttemptLog log = logs.remove(key);
      if (log != null) {
        log.delete();
      } else {
        AttemptLog.deleteFiles(dir);
      }
      Files.deleteIfExists(dir.getParent());
    } catch (DirectoryNotEmptyException othersRemain) {
      // the task directory still holds other attempts' logs: keep it
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the log of " + key, e);
    }
  }

  /** The directory holding the attempt's segment files. */
  public Path directory(AttemptKey key) {
    return logsDir.resolve(key.taskDirectoryName()).resolve(key.attemptDirectoryName());
  }

  /** Flushes and closes every open log. */
  @Override
  public void close() {
    for (AttemptKey key : List.copyOf(logs.keySet())) {
      finish(key);
    }
  }

  private AttemptLog open(AttemptKey key) {
    try {
      return AttemptLog.open(directory(key), segmentBytes, clock);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the log of " + key, e);
    }
  }
}
