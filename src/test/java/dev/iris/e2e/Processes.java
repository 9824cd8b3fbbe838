package dev.iris.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JVMs an end-to-end test starts ({@code iris controller}, {@code iris worker}, {@code iris local}, CLI
 * runs), their output in files under one directory. {@link #close} stops every one still alive, by its own
 * handle: SIGTERM, then SIGKILL after a grace. A JVM may be started through a command prefix that execs it
 * (e.g. {@code nsenter --net=... --} into a network namespace of a {@code NetLab}): the handle kept is then
 * still the JVM's own.
 */
public final class Processes implements AutoCloseable {
  private static final Duration GRACE = Duration.ofSeconds(15);
  private static final String MAIN = "dev.iris.cli.Main";
  private final Path dir;
  private final Map<String, String> env;
  private final String token;
  private final List<ProcessHandle> started = new ArrayList<>();
  private final AtomicInteger seq = new AtomicInteger();

  /** What a finished CLI run printed. */
  public record Run(int exitCode, List<String> out, List<String> err) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + String.join("\n", out) + "\n--- stderr\n" + String.join("\n", err);
    }
  }

  /** A started long-running JVM and the file its stdout and stderr go to. */
  public record Server(Process process, Path log) {
    public List<String> lines() {
      return readLines(log);
    }
  }

  /** A CLI run still going: its stdout and stderr so far, and a wait for its end. */
  record Running(Process process, Path out, Path err) {
    List<String> outLines() {
      return readLines(out);
    }

    List<String> errLines() {
      return readLines(err);
    }

    /** Waits for the end (at most {@code wait}; then it is stopped and the test fails). */
    Run await(Duration wait) {
      try {
        if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
          stop(process.toHandle());
          throw new AssertionError("the CLI run did not finish within " + wait + "\n--- stdout\n"
              + String.join("\n", outLines()) + "\n--- stderr\n" + String.join("\n", errLines()));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
      return new Run(process.exitValue(), outLines(), errLines());
    }
  }

  /** Processes with their output under {@code dir}, with {@code env} added to this JVM's environment. */
  public Processes(Path dir, Map<String, String> env) {
    this.dir = dir;
    this.env = env;
    try {
      this.token = dev.iris.common.TokenFiles.loadOrCreate(home().resolve(".iris").resolve("token")).token();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts {@code iris args...} in a new JVM, stdout and stderr to one log file. */
  public Server start(String... args) {
    return startVia(List.of(), args[0], MAIN, args);
  }

  /**
   * Starts {@code mainClass args...} of the test classpath in a new JVM, its command line run through
   * {@code prefix} (which must exec it, so the handle kept is the JVM's), stdout and stderr to one log file
   * named after {@code label}.
   */
  public synchronized Server startVia(List<String> prefix, String label, String mainClass, String... args) {
    Path log = dir.resolve("server-" + seq.incrementAndGet() + "-" + label + ".log");
    ProcessBuilder pb = builder(prefix, mainClass, args).redirectErrorStream(true).redirectOutput(log.toFile());
    return new Server(launch(pb), log);
  }

  /** Starts {@code iris args...} in a new JVM (a command that follows a job) and returns at once. */
  Running startRun(String... args) {
    int n = seq.incrementAndGet();
    Path out = dir.resolve("run-" + n + ".out");
    Path err = dir.resolve("run-" + n + ".err");
    return new Running(launch(builder(List.of(), MAIN, args).redirectOutput(out.toFile()).redirectError(err.toFile())),
        out, err);
  }

  /** Runs {@code iris args...} in a new JVM to its end (at most a minute). */
  public Run run(String... args) {
    return run(Map.of(), args);
  }

  /** Runs {@code iris args...} as {@link #run(String...)}, with {@code moreEnv} added to its environment. */
  public Run run(Map<String, String> moreEnv, String... args) {
    return runVia(List.of(), moreEnv, args);
  }

  /** Runs {@code iris args...} as {@link #run(Map, String...)}, its command line run through {@code prefix}. */
  public Run runVia(List<String> prefix, Map<String, String> moreEnv, String... args) {
    int n = seq.incrementAndGet();
    Path out = dir.resolve("run-" + n + ".out");
    Path err = dir.resolve("run-" + n + ".err");
    ProcessBuilder pb = builder(prefix, MAIN, args).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().putAll(moreEnv);
    Process p = launch(pb);
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        stop(p.toHandle());
        throw new AssertionError("iris " + String.join(" ", args) + " did not finish within 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
    return new Run(p.exitValue(), readLines(out), readLines(err));
  }

  private ProcessBuilder builder(List<String> prefix, String mainClass, String... args) {
    List<String> command = new ArrayList<>(prefix);
    command.addAll(List.of(Jvm.java(), "-cp", Jvm.classpath(), mainClass));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("IRIS_"));
    pb.environment().put("HOME", home().toString()); // ~/.iris/token: the controller's, read by workers and CLI
    pb.environment().putAll(env);
    return pb;
  }

  /** The home directory of the processes: its {@code .iris/token} is the cluster's token, as for a real user. */
  public Path home() {
    return dir.resolve("home");
  }

  /** The cluster's admin token: made in {@link #home()} before any process starts, as an admin would. */
  public String token() {
    return token;
  }

  private synchronized Process launch(ProcessBuilder pb) {
    try {
      Process p = pb.start();
      started.add(p.toHandle());
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Also stops {@code handle} (e.g. an orphaned task of a killed worker) at {@link #close}. */
  public synchronized void track(ProcessHandle handle) {
    started.add(handle);
  }

  /** SIGTERM, then SIGKILL if it is still alive after the grace. */
  public static void stop(ProcessHandle p) {
    if (!p.isAlive()) {
      return;
    }
    p.destroy();
    try {
      p.onExit().get(GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception stillAlive) {
      p.destroyForcibly();
      try {
        p.onExit().get(GRACE.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception ignored) {
        // nothing more to do
      }
    }
  }

  @Override
  public synchronized void close() {
    List<ProcessHandle> all = new ArrayList<>(started);
    // newest first: CLI runs and workers before the controller they talk to
    for (int i = all.size() - 1; i >= 0; i--) {
      ProcessHandle p = all.get(i);
      if (p.isAlive()) {
        p.destroy();
      }
    }
    for (int i = all.size() - 1; i >= 0; i--) {
      stop(all.get(i));
    }
  }

  public static List<String> readLines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---------------------------------------------------------------- helpers shared by the e2e tests

  /** A port nothing listens on right now. */
  public static int freePort() {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits for {@code server} to print a line starting with {@code prefix}; fails at once if it exits. */
  public static void awaitLine(Server server, String prefix, Duration wait) {
    dev.iris.worker.Poll.until(wait, "a line starting '" + prefix + "' from " + server.log().getFileName(), () -> {
      if (!server.process().isAlive()) {
        throw new AssertionError(server.log().getFileName() + " exited: " + server.lines());
      }
      return server.lines().stream().anyMatch(l -> l.startsWith(prefix));
    });
  }

  /** A process's arguments, NUL-separated ({@code ProcessHandle.Info} may leave out a long command line). */
  public static String commandLine(long pid) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"));
    } catch (IOException gone) {
      return "";
    }
  }

  /** Whether a process is a worker's watchdog companion (its command line names the cleanup it runs). */
  public static boolean isWatchdog(ProcessHandle p) {
    return commandLine(p.pid()).contains("dev.iris.worker.host.LeftoverCleanup");
  }
}
