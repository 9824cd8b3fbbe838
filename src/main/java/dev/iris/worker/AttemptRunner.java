package dev.iris.worker;

import dev.iris.rpc.BuildMetrics;
import dev.iris.rpc.ResourceUsage;
import dev.iris.rpc.TaskState;
import dev.iris.worker.bundle.BundleException;
import dev.iris.worker.logs.TaskLogStore;
import dev.iris.worker.ports.PortAllocationException;
import dev.iris.worker.ports.PortAllocator;
import dev.iris.worker.proc.ProcFs;
import dev.iris.worker.proc.ProcStat;
import dev.iris.worker.runtime.LaunchSpec;
import dev.iris.worker.runtime.LineSink;
import dev.iris.worker.runtime.RunningTask;
import dev.iris.worker.runtime.TaskRuntime;
import dev.iris.worker.runtime.TaskStartException;
import dev.iris.worker.usage.ProcessTreeUsageSampler;
import dev.iris.worker.usage.TreeUsage;
import dev.iris.worker.usage.UsageSample;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes one attempt through its phases: BUILDING (fresh working directory, ports, bundle fetched from the
 * controller, cached and unpacked, optional setup command with log source {@code build}), RUNNING (the
 * command as a process, with the task's timeout), and the terminal state from its exit. Every state
 * change is reported. Blocking steps (process start, unpacking, file work) run on worker threads; state
 * changes happen on the worker verticle's context only.
 */
final class AttemptRunner {
  private static final Logger log = LoggerFactory.getLogger(AttemptRunner.class);

  private final WorkerConfig config;
  private final Clock clock;
  private final ContextOps ops;
  private final TaskRuntime runtime;
  private final WorkDirs dirs;
  private final TaskLogStore logs;
  private final BundleInstaller bundles;
  private final PortAllocator ports;
  private final StateReporter reporter;
  private final OrphanSweeper sweeper;
  private final Consumer<Attempt> onFinished;
  private final WorkerMetrics metrics;
  private final AttemptKiller killer;
  private final SetupPhase setup;

  AttemptRunner(WorkerConfig config, Clock clock, Vertx vertx, ContextOps ops, TaskRuntime runtime, WorkDirs dirs,
      TaskLogStore logs, BundleInstaller bundles, PortAllocator ports, StateReporter reporter,
      OrphanSweeper sweeper, Consumer<Attempt> onFinished, WorkerMetrics metrics) {
    this.config = config;
    this.clock = clock;
    this.ops = ops;
    this.runtime = runtime;
    this.dirs = dirs;
    this.logs = logs;
    this.bundles = bundles;
    this.ports = ports;
    this.reporter = reporter;
    this.sweeper = sweeper;
    this.onFinished = onFinished;
    this.metrics = metrics;
    this.killer = new AttemptKiller(vertx, ops);
    this.setup = new SetupPhase(clock, ops, runtime, logs, metrics, killer);
  }

  /** A failure before the command ran whose message is meant for the user. */
  static final class BuildFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BuildFailure(String message) {
      super(message, null, false, false);
    }
  }

  /** The attempt was killed before its command started. */
  static final class Killed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Killed() {
      super("killed", null, false, false);
    }
  }

  /** What the first trip off the event loop made: the directory, ports, environment, maybe the process. */
  private record Prepared(Path dir, Map<String, Integer> ports, Map<String, String> environment,
      RunningTask process) {}

  /** Runs the attempt once {@code predecessorGone} completed (an older attempt of the task is dead). */
  void launch(Attempt a, Future<?> predecessorGone) {
    predecessorGone.transform(ignored -> build(a))
        .compose(process -> awaitExit(a, process))
        .onComplete(code -> finishWithExit(a, code), err -> finishWithFailure(a, err));
  }

  /** Asks the attempt to die: SIGTERM to its tree now, SIGKILL after {@code grace}. Idempotent. */
  void kill(Attempt a, Duration grace, String reason) {
    killer.kill(a, grace, reason);
  }

  /** Samples the usage of every running attempt off the loop, then records it on the context. */
  Future<Void> sampleUsage(List<Attempt> running) {
    if (running.isEmpty()) {
      return Future.succeededFuture();
    }
    record Target(Attempt attempt, long pid, Path dir) {}
    List<Target> targets = running.stream().filter(a -> a.mainProcess != null)
        .map(a -> new Target(a, a.mainProcess.pid(), a.workDir)).toList();
    return ops.blocking(() -> {
      List<ProcStat> snapshot = ProcFs.all(); // one scan of /proc for every running attempt
      return targets.stream().map(t -> {
        try {
          TreeUsage tree = ProcessTreeUsageSampler.sample(snapshot, t.pid);
          return t.attempt.usageTracker.record(tree, ProcessTreeUsageSampler.diskUsageBytes(t.dir));
        } catch (RuntimeException e) {
          return null; // the process went away mid-sample
        }
      }).toList();
    }).map(samples -> {
      for (int i = 0; i < targets.size(); i++) {
        UsageSample s = samples.get(i);
        Attempt a = targets.get(i).attempt;
        if (s != null && !a.isFinished()) {
          a.usage = usage(s);
        }
      }
      return null;
    });
  }

  // ---------------------------------------------------------------- phases

  /**
   * BUILDING, then the running command. With no bundle and no setup command there is nothing to build, so
   * the process starts in the same trip off the event loop that makes its directory.
   */
  private Future<RunningTask> build(Attempt a) {
    if (a.killRequested) {
      return Future.failedFuture(new Killed());
    }
    a.state = TaskState.TASK_STATE_BUILDING;
    a.build = BuildMetrics.newBuilder().setBuildStartedMs(clock.millis()).build();
    report(a);
    List<String> portNames = a.request.getPortsList();
    boolean startNow = a.request.getBundleHash().isEmpty()
        && a.request.getEnvironment().getSetupCommandList().isEmpty();
    return ops.blocking(() -> {
      Path dir = dirs.createAttemptDir(a.key);
      Map<String, Integer> allocated = portNames.isEmpty() ? Map.of() : ports.allocate(owner(a), portNames);
      Map<String, String> environment = TaskEnvironment.of(a.request, a.task, config, allocated);
      return new Prepared(dir, allocated, environment, startNow ? startProcess(a, dir, environment) : null);
    }).compose(p -> {
      a.workDir = p.dir();
      a.ports = p.ports();
      a.environment = p.environment();
      if (p.process() != null) {
        a.build = a.build.toBuilder().setBuildFinishedMs(clock.millis()).build();
        return Future.succeededFuture(running(a, p.process()));
      }
      return fetchBundle(a).compose(v -> setup.run(a)).compose(v -> startCommand(a));
    });
  }

  private Future<Void> fetchBundle(Attempt a) {
    String hash = a.request.getBundleHash();
    if (hash.isEmpty()) {
      return Future.succeededFuture();
    }
    return bundles.install(hash, a.workDir)
        .map(fromCache -> {
          a.build = a.build.toBuilder().setFromCache(fromCache).build();
          return null;
        });
  }

  private Future<RunningTask> startCommand(Attempt a) {
    if (a.killRequested) {
      return Future.failedFuture(new Killed());
    }
    Path dir = a.workDir;
    Map<String, String> environment = a.environment;
    return ops.blocking(() -> startProcess(a, dir, environment)).map(process -> running(a, process));
  }

  /** Starts the command and records its pid. Off the event loop. */
  private RunningTask startProcess(Attempt a, Path dir, Map<String, String> environment) {
    LineSink sink = (source, line) -> {
      metrics.logLine(logs.append(a.key, source, line));
      if (LineSink.STDERR.equals(source)) {
        a.lastStderr = line;
      }
    };
    RunningTask process;
    try {
      process = runtime.start(new LaunchSpec(a.argv, dir, environment), sink);
    } catch (RuntimeException e) {
      metrics.processLaunch(false, System.nanoTime() - a.receivedAtNanos);
      throw e;
    }
    metrics.processLaunch(true, System.nanoTime() - a.receivedAtNanos);
    try {
      dirs.recordProcess(a.key, process);
    } catch (RuntimeException e) {
      log.warn("cannot record the pid of {}: {}", a.key, e.toString());
    }
    return process;
  }

  /** The command started: RUNNING, reported, with its timeout armed (or the pending kill sent). */
  private RunningTask running(Attempt a, RunningTask process) {
    a.process = process;
    a.mainProcess = process;
    a.state = TaskState.TASK_STATE_RUNNING;
    a.startedAtMs = clock.millis();
    if (a.killRequested) {
      killer.sendKill(a, a.killGrace);
    } else {
      report(a);
      killer.armTimeout(a);
    }
    return process;
  }

  private Future<Integer> awaitExit(Attempt a, RunningTask process) {
    return ops.here(process.exitFuture()).compose(code -> killer.afterKill(a, code));
  }

  // ---------------------------------------------------------------- outcomes

  private void finishWithExit(Attempt a, int code) {
    if (a.killRequested) {
      finish(a, TaskState.TASK_STATE_KILLED, code, a.killReason);
    } else if (a.timedOut) {
      finish(a, TaskState.TASK_STATE_FAILED, -1, "Timeout exceeded");
    } else if (code == 0) {
      finish(a, TaskState.TASK_STATE_SUCCEEDED, 0, "");
    } else {
      String last = a.lastStderr;
      finish(a, TaskState.TASK_STATE_FAILED, code,
          "Exit code: " + code + (last == null || last.isBlank() ? "" : ": " + last));
    }
  }

  private void finishWithFailure(Attempt a, Throwable err) {
    if (err instanceof Killed || a.killRequested) {
      finish(a, TaskState.TASK_STATE_KILLED, 0, a.killReason);
    } else if (err instanceof BuildFailure || err instanceof TaskStartException || err instanceof BundleException
        || err instanceof PortAllocationException) {
      finish(a, TaskState.TASK_STATE_FAILED, -1, err.getMessage());
    } else {
      log.warn("attempt {} failed in the worker", a.key, err);
      finish(a, TaskState.TASK_STATE_FAILED, -1, "worker error: " + err);
    }
  }

  private void finish(Attempt a, TaskState state, int exitCode, String error) {
    if (a.isFinished()) {
      return;
    }
    killer.disarmTimeout(a);
    a.state = state;
    a.exitCode = exitCode;
    a.error = error == null ? "" : error;
    a.finishedAtMs = clock.millis();
    if (a.build.getBuildStartedMs() > 0 && a.build.getBuildFinishedMs() == 0) {
      a.build = a.build.toBuilder().setBuildFinishedMs(a.finishedAtMs).build();
    }
    a.process = null;
    ports.release(owner(a));
    metrics.attemptEnded(state);
    report(a);
    log.debug("attempt {} ended {} ({})", a.key, state, a.error);
    RunningTask main = a.mainProcess;
    // a tree whose root exited may leave descendants behind: sweep them before forgetting the pid record
    Future<?> swept = main == null || a.killing != null ? Future.succeededFuture() : sweeper.sweep(main);
    swept.transform(x -> ops.blocking(() -> {
      logs.finish(a.key);
      dirs.forgetProcess(a.key);
      return null;
    })).onComplete(x -> {
      if (x.failed()) {
        log.warn("cleaning up after {} failed: {}", a.key, x.cause().toString());
      }
      a.markEnded();
    });
    onFinished.accept(a);
  }

  private void report(Attempt a) {
    reporter.report(a.key, AttemptProtos.report(a, config.workerId()));
  }

  private static String owner(Attempt a) {
    return a.key.toString();
  }

  private static ResourceUsage usage(UsageSample s) {
    return ResourceUsage.newBuilder().setMemoryMb(s.memoryMb()).setMemoryPeakMb(s.memoryPeakMb())
        .setCpuPercent(s.cpuPercent()).setCpuMillicores(s.cpuMillicores()).setProcessCount(s.processCount())
        .setDiskMb(s.diskMb()).build();
  }
}
