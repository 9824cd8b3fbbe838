package dev.iris.worker;

import dev.iris.worker.logs.TaskLogStore;
import dev.iris.worker.runtime.LaunchSpec;
import dev.iris.worker.runtime.LineSink;
import dev.iris.worker.runtime.TaskRuntime;
import dev.iris.worker.runtime.TaskStartException;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.List;

/**
 * Runs an attempt's optional setup command at the end of BUILDING, logging its output under source
 * {@code build} and failing the build when it cannot start, is killed or exits non-zero.
 */
final class SetupPhase {
  static final String BUILD_SOURCE = "build";

  private final Clock clock;
  private final ContextOps ops;
  private final TaskRuntime runtime;
  private final TaskLogStore logs;
  private final WorkerMetrics metrics;
  private final AttemptKiller killer;

  SetupPhase(Clock clock, ContextOps ops, TaskRuntime runtime, TaskLogStore logs, WorkerMetrics metrics,
      AttemptKiller killer) {
    this.clock = clock;
    this.ops = ops;
    this.runtime = runtime;
    this.logs = logs;
    this.metrics = metrics;
    this.killer = killer;
  }

  /**
   * Runs the setup command (start off the event loop, exit awaited on the context) and marks the build
   * finished; with no setup command, only marks the build finished.
   */
  Future<Void> run(Attempt a) {
    List<String> argv = a.request.getEnvironment().getSetupCommandList();
    if (argv.isEmpty()) {
      a.build = a.build.toBuilder().setBuildFinishedMs(clock.millis()).build();
      return Future.succeededFuture();
    }
    if (a.killRequested) {
      return Future.failedFuture(new AttemptRunner.Killed());
    }
    LaunchSpec spec = new LaunchSpec(argv, a.workDir, a.environment);
    LineSink sink = (source, line) -> {
      metrics.logLine(logs.append(a.key, BUILD_SOURCE, line));
      a.lastStderr = line;
    };
    return ops.blocking(() -> runtime.start(spec, sink))
        .recover(err -> Future.failedFuture(err instanceof TaskStartException
            ? new AttemptRunner.BuildFailure("setup command " + err.getMessage()) : err))
        .compose(process -> {
          a.process = process;
          a.setupProcess = process;
          if (a.killRequested) {
            killer.sendKill(a, a.killGrace);
          }
          return ops.here(process.exitFuture());
        })
        .compose(code -> killer.afterKill(a, code))
        .compose(code -> {
          a.process = null;
          a.build = a.build.toBuilder().setBuildFinishedMs(clock.millis()).build();
          if (a.killRequested) {
            return Future.failedFuture(new AttemptRunner.Killed());
          }
          if (code != 0) {
            String last = a.lastStderr;
            return Future.failedFuture(new AttemptRunner.BuildFailure("setup command failed with exit code "
                + code + (last == null || last.isBlank() ? "" : ": " + last)));
          }
          a.lastStderr = null;
          return Future.succeededFuture();
        });
  }
}
