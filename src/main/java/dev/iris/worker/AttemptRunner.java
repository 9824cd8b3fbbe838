package dev.iris.worker;

import dev.iris.worker.attempt.AttemptEffect;
import dev.iris.worker.attempt.AttemptEvent;
import dev.iris.worker.attempt.AttemptLifecycle;
import dev.iris.worker.attempt.Command;
import dev.iris.worker.attempt.Step;
import dev.iris.worker.bundle.BundleException;
import dev.iris.worker.host.WorkDirs;
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
 * Drives attempts through {@link AttemptLifecycle}: applies each event to the attempt's state on the worker
 * verticle's context and carries out the effects the lifecycle returns, feeding their outcomes back as
 * events. This class carries out the building effects (prepare the directory, ports and environment;
 * install the bundle; start a process, off the event loop) and reports; kills and the timeout are
 * {@link AttemptKiller}'s, the end's clean-up {@link AttemptFinisher}'s. Every decision is the lifecycle's.
 */
final class AttemptRunner {
  private static final Logger log = LoggerFactory.getLogger(AttemptRunner.class);
  /** The log source of the setup command's output. */
  static final String BUILD_SOURCE = "build";

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
    this.killer = new AttemptKiller(vertx, ops, this::apply);
    this.finisher = new AttemptFinisher(ops, dirs, taskDirs, logs, sweeper, onFinished, metrics);
  }

  /** Runs the attempt once {@code predecessorGone} completed (an older attempt of the task is dead). */
  void launch(Attempt a, Future<?> predecessorGone) {
    predecessorGone.onComplete(x -> apply(a, new AttemptEvent.MayStart()));
  }

  /**
   * Fences the attempt: the worker's lease ran out, so it dies (SIGTERM now, SIGKILL after {@code grace}) and ends
   * WORKER_FAILED with {@code reason}, to be retried elsewhere. Idempotent; an attempt being killed already goes on.
   */
  void fence(Attempt a, Duration grace, String reason) {
    apply(a, new AttemptEvent.KillRequested(grace, reason, dev.iris.core.TaskState.WORKER_FAILED));
  }

  /** Asks the attempt to die: SIGTERM to its tree now, SIGKILL after {@code grace}. Idempotent. */
  void kill(Attempt a, Duration grace, String reason) {
    apply(a, new AttemptEvent.KillRequested(grace, reason));
  }

  /**
   * Applies {@code event} to the attempt and carries out the effects. An event raised while effects are
   * being carried out (a future that was already complete) waits its turn, so effects run in the order
   * the lifecycle gave them.
   */
  void apply(Attempt a, AttemptEvent event) {
    if (a.applying) {
      a.queued.add(event);
      return;
    }
    a.applying = true;
    try {
      for (AttemptEvent e = event; e != null; e = a.queued.poll()) {
        Step step = AttemptLifecycle.apply(a.state, e, clock.millis());
        if (!step.applied()) {
          log.debug("attempt {}: {} ignored: {}", a.key, e, step.ignored());
          continue;
        }
        a.state = step.next();
        for (AttemptEffect effect : step.effects()) {
          carryOut(a, effect);
        }
      }
    } finally {
      a.applying = false;
    }
  }

  private void carryOut(Attempt a, AttemptEffect effect) {
    try {
      if (effect instanceof AttemptEffect.Report) {
        reporter.report(a.key, AttemptProtos.report(a.state, config.workerId()));
      } else if (effect instanceof AttemptEffect.Prepare p) {
        prepare(a, p.startCommand());
      } else if (effect instanceof AttemptEffect.InstallBundle) {
        bundles.install(a.request.getBundleHash(), a.state.workDir()).onComplete(
            fromCache -> apply(a, new AttemptEvent.BundleInstalled(fromCache)), err -> failed(a, err));
      } else if (effect instanceof AttemptEffect.StartProcess s) {
        Path dir = a.state.workDir();
        Map<String, String> environment = a.environment;
        ops.blocking(() -> startProcess(a, s.command(), dir, environment))
            .onComplete(process -> started(a, s.command(), process), err -> failed(a, s.command() == Command.SETUP
                && err instanceof TaskStartException ? new BuildFailure("setup command " + err.getMessage()) : err));
      } else if (effect instanceof AttemptEffect.KillProcess k) {
        killer.kill(a, k.command(), k.grace());
      } else if (effect instanceof AttemptEffect.ArmTimeout t) {
        killer.armTimeout(a, t.after());
      } else if (effect instanceof AttemptEffect.CancelTimeout) {
        killer.cancelTimeout(a);
      } else if (effect instanceof AttemptEffect.ReleasePorts) {
        ports.release(a.portOwner());
      } else if (effect instanceof AttemptEffect.CleanUp c) {
        finisher.cleanUp(a, c.sweep());
      } else if (effect instanceof AttemptEffect.Finished) {
        finisher.finished(a);
      } else {
        throw new AssertionError("unknown effect " + effect);
      }
    } catch (RuntimeException e) {
      log.warn("attempt {}: {} failed", a.key, effect, e);
      a.queued.add(new AttemptEvent.StepFailed("worker error: " + e));
    }
  }

  /** Samples the usage of every running attempt off the loop, then records it on the context. */
  Future<Void> sampleUsage(List<Attempt> running) {
    record Target(Attempt attempt, long pid, Path dir) {}
    List<Target> targets = running.stream().filter(a -> a.runningCommand() != null)
        .map(a -> new Target(a, a.runningCommand().pid(), a.state.workDir())).toList();
    if (targets.isEmpty()) {
      return Future.succeededFuture();
    }
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
        if (s != null) {
          apply(targets.get(i).attempt, new AttemptEvent.UsageSampled(s));
        }
      }
      return null;
    });
  }

  // ---------------------------------------------------------------- building effects

  /** What the first trip off the event loop made: the directory, ports, environment, maybe the process. */
  private record PreparedDir(Path dir, Map<String, Integer> ports, Map<String, String> environment,
      RunningTask process) {}

  /**
   * Makes the directory, allocates the ports and builds the environment off the event loop; with nothing to
   * build, starts the command in the same trip.
   */
  private void prepare(Attempt a, boolean startCommand) {
    List<String> portNames = a.request.getPortsList();
    ops.blocking(() -> {
      Path dir = dirs.createAttemptDir(a.key);
      Map<String, Integer> allocated = portNames.isEmpty() ? Map.of() : ports.allocate(a.portOwner(), portNames);
      Map<String, String> environment = TaskEnvironment.of(a.request, a.task, config, allocated);
      RunningTask process = startCommand ? startProcess(a, Command.MAIN, dir, environment) : null;
      return new PreparedDir(dir, allocated, environment, process);
    }).onComplete(p -> {
      a.environment = p.environment();
      apply(a, new AttemptEvent.Prepared(p.dir(), p.ports()));
      if (p.process() != null) {
        started(a, Command.MAIN, p.process());
      }
    }, err -> failed(a, err));
  }

  /** Starts a command and records its pid. Off the event loop. */
  private RunningTask startProcess(Attempt a, Command command, Path dir, Map<String, String> environment) {
    if (command == Command.SETUP) {
      LineSink sink = (source, line) -> {
        metrics.logLine(logs.append(a.key, BUILD_SOURCE, line));
        a.lastSetupLine = line;
      };
      return record(a, runtime.start(new LaunchSpec(a.request.getEnvironment().getSetupCommandList(), dir,
          environment, config.inheritEnv()), sink));
    }
    LineSink sink = (source, line) -> {
      metrics.logLine(logs.append(a.key, source, line));
      if (LineSink.STDERR.equals(source)) {
        a.lastStderr = line;
      }
    };
    RunningTask process;
    try {
      process = runtime.start(new LaunchSpec(a.argv, dir, environment, config.inheritEnv()), sink);
    } catch (RuntimeException e) {
      metrics.processLaunch(false, System.nanoTime() - a.receivedAtNanos);
      throw e;
    }
    metrics.processLaunch(true, System.nanoTime() - a.receivedAtNanos);
    return record(a, process);
  }

  private RunningTask record(Attempt a, RunningTask process) {
    try {
      dirs.recordProcess(a.key, process);
    } catch (RuntimeException e) {
      log.warn("cannot record the pid of {}: {}", a.key, e.toString());
    }
    return process;
  }

  /** A process started: the lifecycle hears of it, and of its exit later. */
  private void started(Attempt a, Command command, RunningTask process) {
    a.processes.put(command, process);
    apply(a, new AttemptEvent.ProcessStarted(command));
    ops.here(process.exitFuture()).onComplete(
        code -> apply(a, new AttemptEvent.ProcessExited(command, code, lastLine(a, command))),
        err -> {
          log.warn("attempt {}: waiting for the exit of its {} process failed", a.key, command, err);
          apply(a, new AttemptEvent.ProcessExited(command, -1, "worker error: " + err));
        });
  }

  private static String lastLine(Attempt a, Command command) {
    return command == Command.SETUP ? a.lastSetupLine : a.lastStderr;
  }

  /** A building step failed; the message is the user's when the failure is theirs, else a worker error. */
  private void failed(Attempt a, Throwable err) {
    String message;
    if (err instanceof BuildFailure || err instanceof TaskStartException || err instanceof BundleException
        || err instanceof PortAllocationException) {
      message = err.getMessage();
    } else {
      log.warn("attempt {} failed in the worker", a.key, err);
      message = "worker error: " + err;
    }
    apply(a, new AttemptEvent.StepFailed(message));
  }

  /** A failure before the command ran whose message is meant for the user. */
  static final class BuildFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BuildFailure(String message) {
      super(message, null, false, false);
    }
  }
}
