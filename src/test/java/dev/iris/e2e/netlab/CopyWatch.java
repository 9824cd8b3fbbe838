package dev.iris.e2e.netlab;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Watches the marks file of {@link TaskScript} tasks (every namespace sees the same file) and, from the root
 * namespace, the processes of the copies that started and have not written a stop mark: one whose process is
 * gone (SIGKILLed, or a zombie) without a stop mark ends when it was first seen gone. Polls every 50 ms on its
 * own daemon thread; {@link #copies()} and {@link #byTask()} give the picture so far.
 */
public final class CopyWatch implements AutoCloseable {
  private static final long POLL_MS = 50;
  private final Path marksFile;
  private final List<Mark> marks = new ArrayList<>();
  private final Map<Copy.Key, Long> watched = new HashMap<>(); // open copy -> its process's start time (ticks)
  private final Map<Copy.Key, Long> vanished = new HashMap<>();
  private final Thread poller;
  private long offset;
  private volatile boolean running = true;

  private CopyWatch(Path marksFile) {
    this.marksFile = marksFile;
    this.poller = new Thread(this::loop, "copy-watch");
    this.poller.setDaemon(true);
  }

  /** Creates {@code marksFile} (empty) and starts watching it. */
  public static CopyWatch start(Path marksFile) {
    try {
      Files.deleteIfExists(marksFile);
      Files.createFile(marksFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    CopyWatch w = new CopyWatch(marksFile);
    w.poller.start();
    return w;
  }

  /** The marks file tasks append to. */
  public Path file() {
    return marksFile;
  }

  /** Now on the marks' clock: wall-clock ns since the epoch. */
  public static long epochNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  private void loop() {
    while (running) {
      poll();
      try {
        Thread.sleep(POLL_MS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Reads new marks, then looks at every open copy's process. */
  synchronized void poll() {
    for (String line : newLines()) {
      Mark.parse(line).ifPresent(this::take);
    }
    long now = epochNanos();
    watched.entrySet().removeIf(e -> {
      if (ProcState.startTime(e.getKey().pid()).filter(t -> t.equals(e.getValue())).isPresent()) {
        return false;
      }
      vanished.putIfAbsent(e.getKey(), now);
      return true;
    });
  }

  private void take(Mark m) {
    marks.add(m);
    if (m.start()) {
      Optional<Long> started = ProcState.startTime(m.pid());
      if (started.isPresent()) {
        watched.put(m.key(), started.get());
      } else {
        vanished.putIfAbsent(m.key(), epochNanos());
      }
    } else {
      watched.remove(m.key());
    }
  }

  /** Complete lines appended since the last read. */
  private List<String> newLines() {
    try (RandomAccessFile f = new RandomAccessFile(marksFile.toFile(), "r")) {
      long length = f.length();
      if (length <= offset) {
        return List.of();
      }
      byte[] bytes = new byte[(int) (length - offset)];
      f.seek(offset);
      f.readFully(bytes);
      int end = lastNewline(bytes);
      if (end < 0) {
        return List.of();
      }
      offset += end + 1;
      return new String(bytes, 0, end, StandardCharsets.UTF_8).lines().toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static int lastNewline(byte[] bytes) {
    for (int i = bytes.length - 1; i >= 0; i--) {
      if (bytes[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  /** Every mark read so far. */
  public synchronized List<Mark> marks() {
    return List.copyOf(marks);
  }

  /** The copies so far; the ones still running end now. */
  public synchronized List<Copy> copies() {
    poll();
    return Copies.of(marks, vanished, epochNanos());
  }

  /** {@link #copies()} by task. */
  public Map<String, Copies.TaskCopies> byTask() {
    return Copies.byTask(copies());
  }

  /** The copies of {@code task} that are alive now (started, no stop mark, process not seen gone). */
  public List<Copy> alive(String task) {
    return copies().stream().filter(c -> c.task().equals(task) && c.end() == Copy.End.RUNNING).toList();
  }

  /** Stops watching (after one last look). */
  @Override
  public void close() {
    running = false;
    poller.interrupt();
    try {
      poller.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    poll();
  }

  /** A process's start time from {@code /proc/<pid>/stat}; empty when it is gone or a zombie. */
  static final class ProcState {
    private ProcState() {}

    static Optional<Long> startTime(long pid) {
      try {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // rest[0] is field 3 (state); field 22 (starttime) is rest[19]
        return rest[0].equals("Z") || rest[0].equals("X") ? Optional.empty() : Optional.of(Long.parseLong(rest[19]));
      } catch (IOException | RuntimeException gone) {
        return Optional.empty();
      }
    }
  }

  /** The marks, one per line, for a report. */
  public synchronized List<String> lines() {
    List<String> out = new ArrayList<>();
    marks.forEach(m -> out.add(m.line()));
    return out;
  }

  @Override
  public String toString() {
    return "copy watch " + marksFile + " " + new HashMap<>(vanished);
  }
}
