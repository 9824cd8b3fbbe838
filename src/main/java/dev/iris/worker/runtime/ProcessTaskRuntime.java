package dev.iris.worker.runtime;

import dev.iris.worker.proc.ProcFs;
import dev.iris.worker.proc.ProcId;
import dev.iris.worker.proc.ProcStat;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * <p>Each command starts in a session (and process group) of its own through {@code setsid} when
 * {@code /usr/bin/setsid} exists, so its whole tree, re-parented orphans included, can be found and
 * signalled; otherwise the tree is found by walking parent pids. Standard input is {@code /dev/null}.
 * Output is pumped by daemon threads from a shared, growing pool (one busy thread per open stream);
 * grace timers run on one daemon timer thread owned by the runtime. Nothing blocks the caller.
 */
public final class ProcessTaskRuntime implements TaskRuntime {
  private static final Path SETSID = Path.of("/usr/bin/setsid");
  private static final File DEV_NULL = new File("/dev/null");

  private final Settings settings;
  private final boolean newSession;
  private final ExecutorService pumps;
  private final ScheduledExecutorService timers;
  private final ProcessTreeKiller killer;

  /**
   * Tunables.
   *
   * @param useSetsid start each command as the leader of a new session when {@code setsid} exists
   * @param drainTimeout how long after the root's exit to wait for its output pipes to close
   * @param maxLineBytes longest line delivered in one piece; longer lines are split
   */
  public record Settings(boolean useSetsid, Duration drainTimeout, int maxLineBytes) {
    /** Validates the settings. */
    public Settings {
      if (drainTimeout.isNegative() || maxLineBytes < 16) {
        throw new IllegalArgumentException("invalid runtime settings: " + drainTimeout + ", " + maxLineBytes);
      }
    }

    /** New sessions on, 2 s drain timeout, 64 KiB lines. */
    public static Settings defaults() {
      return new Settings(true, Duration.ofSeconds(2), 64 * 1024);
    }
  }

  /** A runtime with {@link Settings#defaults()}. */
  public ProcessTaskRuntime() {
    this(Settings.defaults());
  }

  /** A runtime with the given settings. */
  public ProcessTaskRuntime(Settings settings) {
    this.settings = settings;
    this.newSession = settings.useSetsid() && Files.isExecutable(SETSID) && ProcFs.available();
    this.pumps = Executors.newCachedThreadPool(daemonThreads("iris-task-output"));
    ScheduledThreadPoolExecutor timerPool = new ScheduledThreadPoolExecutor(1, daemonThreads("iris-task-timer"));
    timerPool.setRemoveOnCancelPolicy(true); // drain timeouts are usually cancelled: do not keep them
    this.timers = timerPool;
    this.killer = new ProcessTreeKiller(timers);
  }

  /** Whether commands start in sessions of their own (setsid available and enabled). */
  public boolean startsNewSessions() {
    return newSession;
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
    ProcessBuilder builder = new ProcessBuilder().directory(directory.toFile());
    builder.redirectInput(ProcessBuilder.Redirect.from(DEV_NULL));
    Map<String, String> environment = builder.environment();
    environment.putAll(spec.environment());
    Path executable = ExecutableResolver.resolve(program, environment, directory);
    builder.command(commandLine(executable, spec.argv()));
    Process process;
    try {
      process = builder.start();
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
        newSession,
        killer,
        timers,
        settings.drainTimeout(),
        CompletableFuture.allOf(out.drained(), err.drained()));
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
  }

  private List<String> commandLine(Path executable, List<String> argv) {
    List<String> command = new ArrayList<>(argv.size() + 2);
    if (newSession) {
      command.add(SETSID.toString());
      command.add("--wait"); // only matters if setsid had to fork: then keep the exit code
    }
    command.add(executable.toString());
    command.addAll(argv.subList(1, argv.size()));
    return command;
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
