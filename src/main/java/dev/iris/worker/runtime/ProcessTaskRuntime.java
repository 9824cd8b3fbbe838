package dev.iris.worker.runtime;

import dev.iris.worker.proc.ProcFs;
import dev.iris.worker.proc.ProcId;
import dev.iris.worker.proc.ProcStat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs tasks as local operating-system processes.
 *
 * <p>Each command starts in a session (and process group) of its own, so its whole tree, re-parented
 * orphans included, can be found and signalled: through {@code posix_spawn} where {@link PosixSpawner} works
 * (Linux, glibc 2.34+), else through {@code /usr/bin/setsid} when it exists; otherwise the tree is found by
 * walking parent pids. Standard input is {@code /dev/null}.
 * Output is pumped by daemon threads from a shared, growing pool (one busy thread per open stream);
 * grace timers run on one daemon timer thread owned by the runtime. Nothing blocks the caller.
 */
public final class ProcessTaskRuntime implements TaskRuntime {
  private final Settings settings;
  private final Spawner spawner;
  private final ExecutorService pumps;
  private final ScheduledExecutorService timers;
  private final ProcessTreeKiller killer;

  /**
   * Tunables.
   *
   * @param useSetsid start each command as the leader of a new session when the platform allows it
   * @param drainTimeout how long after the root's exit to wait for its output pipes to close
   * @param maxLineBytes longest line delivered in one piece; longer lines are split
   * @param posixSpawn start processes with {@code posix_spawn} where possible (else {@link ProcessBuilder})
   */
  public record Settings(boolean useSetsid, Duration drainTimeout, int maxLineBytes, boolean posixSpawn) {
    /** Validates the settings. */
    public Settings {
      if (drainTimeout.isNegative() || maxLineBytes < 16) {
        throw new IllegalArgumentException("invalid runtime settings: " + drainTimeout + ", " + maxLineBytes);
      }
    }

    /** Settings that use {@code posix_spawn} where possible. */
    public Settings(boolean useSetsid, Duration drainTimeout, int maxLineBytes) {
      this(useSetsid, drainTimeout, maxLineBytes, true);
    }

    /** New sessions on, 2 s drain timeout, 64 KiB lines, {@code posix_spawn} where possible. */
    public static Settings defaults() {
      return new Settings(true, Duration.ofSeconds(2), 64 * 1024);
    }

    /** The same settings with {@code posix_spawn} on or off. */
    public Settings withPosixSpawn(boolean on) {
      return new Settings(useSetsid, drainTimeout, maxLineBytes, on);
    }
  }

  /** A runtime with {@link Settings#defaults()}. */
  public ProcessTaskRuntime() {
    this(Settings.defaults());
  }

  /** A runtime with the given settings. */
  public ProcessTaskRuntime(Settings settings) {
    this.settings = settings;
    this.spawner = chooseSpawner(settings);
    this.pumps = Executors.newCachedThreadPool(daemonThreads("iris-task-output"));
    ScheduledThreadPoolExecutor timerPool = new ScheduledThreadPoolExecutor(1, daemonThreads("iris-task-timer"));
    timerPool.setRemoveOnCancelPolicy(true); // drain timeouts are usually cancelled: do not keep them
    this.timers = timerPool;
    this.killer = new ProcessTreeKiller(timers);
  }

  private static Spawner chooseSpawner(Settings settings) {
    if (!settings.useSetsid() || !ProcFs.available()) {
      return new JdkSpawner(false);
    }
    if (settings.posixSpawn()) {
      try {
        Optional<Spawner> posix = PosixSpawner.load();
        if (posix.isPresent()) {
          return posix.get();
        }
      } catch (LinkageError noJna) {
        // JNA is not on the class path (an embedding program left it out): start through setsid
      }
    }
    return new JdkSpawner(Files.isExecutable(JdkSpawner.SETSID));
  }

  /** Whether commands start in sessions of their own (enabled, and possible here). */
  public boolean startsNewSessions() {
    return spawner.newSession();
  }

  /** How processes start here: {@code posix_spawn}, {@code setsid} or plain. */
  public String launchMethod() {
    return spawner instanceof PosixSpawner ? "posix_spawn" : spawner.newSession() ? "setsid" : "plain";
  }

  @Override
  public RunningTask start(LaunchSpec spec, LineSink sink) {
    if (timers.isShutdown()) {
      throw new IllegalStateException("the task runtime is closed");
    }
    Path directory = spec.workingDirectory().toAbsolutePath();
    String program = spec.argv().get(0);
    if (!Files.isDirectory(directory)) {
      throw ExecutableResolver.failure(program, "working directory '" + directory + "' does not exist");
    }
    Map<String, String> overrides = spec.environment();
    if (spec.argv().stream().anyMatch(ProcessTaskRuntime::hasNul)) {
      throw ExecutableResolver.failure(program, "an argument contains a NUL character");
    }
    overrides.forEach((name, value) -> { // names are checked by LaunchSpec
      if (hasNul(value)) {
        throw ExecutableResolver.failure(program, "the value of " + name + " contains a NUL character");
      }
    });
    Path executable = ExecutableResolver.resolve(program,
        overrides.containsKey("PATH") || !spec.inherit() ? overrides : System.getenv(), directory);
    Process process;
    try {
      process = spawner.spawn(executable, spec.argv(), overrides, spec.inherit(), directory);
    } catch (IOException e) {
      throw ExecutableResolver.failure(program, reason(e));
    }
    LinePump out = new LinePump(LineSink.STDOUT, process.getInputStream(), sink, settings.maxLineBytes());
    LinePump err = new LinePump(LineSink.STDERR, process.getErrorStream(), sink, settings.maxLineBytes());
    pumps.execute(out);
    pumps.execute(err);
    long startTicks = ProcFs.stat(process.pid()).map(ProcStat::startTicks).orElse(-1L);
    return new ProcessRunningTask(
        process,
        new ProcId(process.pid(), startTicks),
        spawner.newSession(),
        killer,
        timers,
        settings.drainTimeout(),
        CompletableFuture.allOf(out.drained(), err.drained()),
        () -> Math.max(out.lastReadNanos(), err.lastReadNanos()));
  }

  @Override
  public CompletableFuture<Void> killTree(ProcessHandle root, Duration grace) {
    return ProcFs.stat(root.pid())
        .filter(ProcStat::isLive)
        .map(stat -> killer.kill(stat.id(), stat.session() == stat.pid(), grace))
        .orElseGet(() -> CompletableFuture.completedFuture(null));
  }

  @Override
  public void close() {
    timers.shutdown();
    pumps.shutdown();
    spawner.close();
  }

  private static boolean hasNul(String s) {
    return s.indexOf('\0') >= 0;
  }

  /** The OS reason from "Cannot run program "x": error=2, No such file or directory". */
  private static String reason(IOException e) {
    String message = String.valueOf(e.getMessage());
    int at = message.lastIndexOf("error=");
    int comma = at < 0 ? -1 : message.indexOf(", ", at);
    return comma < 0 ? message : message.substring(comma + 2);
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger counter = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
