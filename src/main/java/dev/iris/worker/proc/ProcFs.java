package dev.iris.worker.proc;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads process information from Linux {@code /proc}. Every method tolerates processes that exit while
 * being read: a vanished process simply is not reported.
 */
public final class ProcFs {
  private static final Path PROC = Path.of("/proc");
  /** Linux {@code USER_HZ}: the unit of the CPU and start times in {@code /proc}. */
  public static final int CLOCK_TICKS_PER_SECOND = 100;
  private static final long DEFAULT_PAGE_SIZE = 4096;
  private static volatile long pageSize;
  private static volatile long bootTimeMillis = -1;

  private ProcFs() {}

  /** Whether {@code /proc} is mounted and readable (false on non-Linux systems). */
  public static boolean available() {
    return Files.isReadable(PROC.resolve("self").resolve("stat"));
  }

  /** The stat of one process, or empty if it does not exist (or vanished while being read). */
  public static Optional<ProcStat> stat(long pid) {
    try {
      String text = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"));
      return Optional.of(ProcStat.parse(text));
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty(); // gone, or not readable: both mean "no such process for us"
    }
  }

  /** Whether the process with this identity is still running (exists, same start time, not a zombie). */
  public static boolean isLive(ProcId id) {
    return stat(id.pid()).filter(s -> s.startTicks() == id.startTicks() && s.isLive()).isPresent();
  }

  /**
   * The working directory of a process, as the kernel names it (a removed directory ends in
   * {@code " (deleted)"}); empty when the process is gone or not ours to inspect.
   */
  public static Optional<Path> workingDirectory(long pid) {
    try {
      return Optional.of(Files.readSymbolicLink(PROC.resolve(Long.toString(pid)).resolve("cwd")));
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return Optional.empty();
    }
  }

  /**
   * Whether the environment a process started with has a variable {@code name} (whatever its value);
   * false when the process is gone or not ours to inspect.
   */
  public static boolean startedWithVariable(long pid, String name) {
    byte[] wanted = (name + "=").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] environ;
    try {
      environ = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("environ"));
    } catch (IOException | SecurityException e) {
      return false;
    }
    for (int start = 0; start < environ.length; ) { // NUL-separated NAME=value entries
      if (java.util.Arrays.equals(environ, start, Math.min(environ.length, start + wanted.length),
          wanted, 0, wanted.length)) {
        return true;
      }
      while (start < environ.length && environ[start] != 0) {
        start++;
      }
      start++;
    }
    return false;
  }

  /** The stats of every process visible in {@code /proc}, including zombies. */
  public static List<ProcStat> all() {
    List<ProcStat> result = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, ProcFs::isPidDirectory)) {
      for (Path dir : dirs) {
        stat(Long.parseLong(dir.getFileName().toString())).ifPresent(result::add);
      }
    } catch (IOException e) {
      return result; // /proc unreadable: report what we saw
    }
    return result;
  }

  /** When the system booted, in epoch milliseconds ({@code btime} of {@code /proc/stat}); 0 if unknown. */
  public static long bootTimeMillis() {
    long cached = bootTimeMillis;
    if (cached < 0) {
      cached = readBootTimeMillis();
      bootTimeMillis = cached;
    }
    return cached;
  }

  private static long readBootTimeMillis() {
    try (BufferedReader reader = Files.newBufferedReader(PROC.resolve("stat"), StandardCharsets.US_ASCII)) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.startsWith("btime ")) {
          return Long.parseLong(line.substring("btime ".length()).trim()) * 1000;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return 0; // unknown: start instants are then relative to the epoch, still stable within a boot
    }
    return 0;
  }

  /** The kernel page size in bytes, as {@code /proc/self/smaps} reports it (4096 when unknown). */
  public static long pageSize() {
    long cached = pageSize;
    if (cached == 0) {
      cached = readPageSize();
      pageSize = cached;
    }
    return cached;
  }

  private static long readPageSize() {
    try (BufferedReader reader =
        Files.newBufferedReader(PROC.resolve("self").resolve("smaps"), StandardCharsets.US_ASCII)) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.startsWith("KernelPageSize:")) {
          String kb = line.substring("KernelPageSize:".length()).replace("kB", "").trim();
          return Long.parseLong(kb) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return DEFAULT_PAGE_SIZE; // best effort: the common page size
    }
    return DEFAULT_PAGE_SIZE;
  }

  private static boolean isPidDirectory(Path path) {
    String name = path.getFileName().toString();
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      if (!Character.isDigit(name.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}
