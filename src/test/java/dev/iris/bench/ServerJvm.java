package dev.iris.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An {@code iris} server JVM a bench started ({@code iris controller}, {@code iris worker}) on this JVM's
 * classpath, its output in one log file, and what can be read about it from outside: {@code /proc} (RSS,
 * CPU time) and {@code jcmd} (heap used after a full GC). Readings return -1 when the source is missing
 * (no {@code /proc}, a JRE without {@code jcmd}).
 */
final class ServerJvm {
  private static final Pattern USED_KB = Pattern.compile("used (\\d+)K");
  private final String name;
  private final Process process;
  private final Path log;

  private ServerJvm(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code java -cp <this classpath> dev.iris.cli.Main irisArgs... --token-file <the bench's>}, stdout
   * and stderr to {@code log}.
   */
  static ServerJvm start(String name, Path log, List<String> irisArgs) throws IOException {
    List<String> command = new ArrayList<>(List.of(Bench.javaBin(), "-cp", Bench.classpath(), "dev.iris.cli.Main"));
    command.addAll(irisArgs);
    command.addAll(List.of("--token-file", Bench.tokenFile().toString()));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("IRIS_"));
    return new ServerJvm(name, pb.start(), log);
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  /** Waits for a line of its output starting with {@code prefix} and returns it; fails at once if it exits. */
  String awaitLine(String prefix, Duration wait) throws Exception {
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<String> line = lines().stream().filter(l -> l.startsWith(prefix)).findFirst();
      if (line.isPresent()) {
        return line.get();
      }
      checkAlive();
      Thread.sleep(50);
    }
    throw new IllegalStateException(name + " printed no line starting '" + prefix + "' within " + wait + "; see " + log);
  }

  /** Throws, naming its log, when the process has exited. */
  void checkAlive() {
    if (!process.isAlive()) {
      throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
    }
  }

  private List<String> lines() throws IOException {
    return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
  }

  /** A field of {@code /proc/<pid>/status} in kB, e.g. {@code VmRSS} (resident now) or {@code VmHWM} (peak). */
  long statusKb(String field) {
    try {
      for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
        if (l.startsWith(field + ":")) {
          return Long.parseLong(l.substring(field.length() + 1).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone, or no /proc
    }
    return -1;
  }

  /**
   * CPU time in clock ticks (10 ms) from {@code /proc/<pid>/stat}: its own threads ({@code utime + stime})
   * and its reaped children ({@code cutime + cstime}); {-1, -1} when unreadable.
   */
  long[] cpuTicks() {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return new long[] {Long.parseLong(f[11]) + Long.parseLong(f[12]), Long.parseLong(f[13]) + Long.parseLong(f[14])};
    } catch (IOException | RuntimeException e) {
      return new long[] {-1, -1};
    }
  }

  /**
   * Heap used after a full GC, in bytes: {@code jcmd <pid> GC.run} then {@code GC.heap_info} (one jcmd run,
   * commands from {@code scratch}), summing the {@code used} of the heap's lines (one line for G1).
   */
  long heapUsedAfterGc(Path scratch) {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    if (!Files.isExecutable(jcmd)) {
      return -1;
    }
    try {
      Path commands = scratch.resolve("jcmd-" + pid() + ".txt");
      Files.writeString(commands, "GC.run\nGC.heap_info\n");
      Path out = scratch.resolve("jcmd-" + pid() + ".out");
      Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid()), "-f", commands.toString())
          .redirectErrorStream(true).redirectOutput(out.toFile()).start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return -1;
      }
      if (p.exitValue() != 0) {
        return -1;
      }
      String output = Files.readString(out);
      long usedKb = 0;
      boolean seen = false;
      for (String l : output.split("\n")) {
        if (l.trim().startsWith("Metaspace")) {
          break; // what follows is not heap
        }
        Matcher m = USED_KB.matcher(l);
        if (l.contains("total") && m.find()) {
          usedKb += Long.parseLong(m.group(1));
          seen = true;
        }
      }
      return seen ? usedKb * 1024 : -1;
    } catch (IOException | RuntimeException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** The processes it started that still run (a worker's watchdog, tasks): to be waited for after it stops. */
  List<ProcessHandle> descendants() {
    return process.descendants().toList();
  }

  /** SIGTERM; SIGKILL when it is still alive after {@code grace}. True when SIGTERM was enough. */
  boolean stop(Duration grace) throws InterruptedException {
    if (!process.isAlive()) {
      return true;
    }
    process.destroy();
    if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
      return true;
    }
    process.destroyForcibly();
    process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
    return false;
  }
}
