package dev.iris.worker;

import dev.iris.rpc.BuildMetrics;
import dev.iris.rpc.ResourceUsage;
import dev.iris.rpc.TaskState;
import dev.iris.worker.logs.TaskLogStore;
import dev.iris.worker.ports.PortAllocator;
import dev.iris.worker.proc.ProcFs;
import dev.iris.worker.proc.ProcStat;
import dev.iris.worker.runtime.LaunchSpec;
import dev.iris.worker.runtime.LineSink;
import dev.iris.worker.runtime.RunningTask;
import dev.iris.worker.runtime.TaskRuntime;
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
 * changes happen on the worker verticle's context only. The setup command is {@link SetupPhase}'s, kills and
 * the timeout {@link AttemptKiller}'s, and the terminal state and cleanup {@link AttemptFinisher}'s.
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
  private final WorkerMetrics metrics;
  private final AttemptKiller killer;
  private final SetupPhase setup;
  private final AttemptFinisher finisher;

  AttemptRunner(WorkerConfig config, Clock clock, Vertx vertx, ContextOps ops, TaskRuntime runtime, WorkDirs dirs,
      TaskDirRetention taskDirs, TaskLogStore logs, BundleInstaller bundles, PortAllocator ports,
      StateReporter reporter, OrphanSweeper sweeper, Consumer<Attempt> onFinished, WorkerMetrics metrics) {
    this.config = config;
    this.clock = clock;
    this.ops = ops;
    this.runtime = runtime;
    this.dirs = dirs;
    this.logs = logs;
    this.bundles = bundles;
    this.ports = ports;
    this.reporter = reporter;
    this.metrics = metrics;
    this.killer = new AttemptKiller(vertx, ops);
    this.setup = new SetupPhase(clock, ops, runtime, logs, metrics, killer);
    this.finisher = new AttemptFinisher(clock, ops, dirs, taskDirs, logs, ports, reporter, config.workerId(),
        sweeper, onFinished, metrics, killer);
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
        .onComplete(code -> finisher.finishWithExit(a, code), err -> finisher.finishWithFailure(a, err));
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
      Map<String, Integer> allocated = portNames.isEmpty() ? Map.of() : ports.allocate(a.portOwner(), portNames);
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

  private void report(Attempt a) {
    reporter.report(a.key, AttemptProtos.report(a, config.workerId()));
  }

  private static ResourceUsage usage(UsageSample s) {
    return ResourceUsage.newBuilder().setMemoryMb(s.memoryMb()).setMemoryPeakMb(s.memoryPeakMb())
        .setCpuPercent(s.cpuPercent()).setCpuMillicores(s.cpuMillicores()).setProcessCount(s.processCount())
        .setDiskMb(s.diskMb()).build();
  }
}
