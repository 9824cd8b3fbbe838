package dev.iris.worker;

import dev.iris.rpc.TaskState;
import dev.iris.worker.bundle.BundleException;
import dev.iris.worker.logs.TaskLogStore;
import dev.iris.worker.ports.PortAllocationException;
import dev.iris.worker.ports.PortAllocator;
import dev.iris.worker.runtime.TaskStartException;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends an attempt: picks its terminal state, exit code and error, releases its ports, reports it, then
 * sweeps orphaned descendants and, off the event loop, finishes its log, forgets its pid record and hands
 * its working directory to {@link TaskDirRetention} (removed at once, or later when directories are kept).
 */
final class AttemptFinisher {
  private static final Logger log = LoggerFactory.getLogger(AttemptFinisher.class);

  private final Clock clock;
  private final ContextOps ops;
  private final WorkDirs dirs;
  private final TaskDirRetention taskDirs;
  private final TaskLogStore logs;
  private final PortAllocator ports;
  private final StateReporter reporter;
  private final String workerId;
  private final OrphanSweeper sweeper;
  private final Consumer<Attempt> onFinished;
  private final WorkerMetrics metrics;
  private final AttemptKiller killer;

  AttemptFinisher(Clock clock, ContextOps ops, WorkDirs dirs, TaskDirRetention taskDirs, TaskLogStore logs,
      PortAllocator ports, StateReporter reporter, String workerId, OrphanSweeper sweeper,
      Consumer<Attempt> onFinished, WorkerMetrics metrics, AttemptKiller killer) {
    this.clock = clock;
    this.ops = ops;
    this.dirs = dirs;
    this.taskDirs = taskDirs;
    this.logs = logs;
    this.ports = ports;
    this.reporter = reporter;
    this.workerId = workerId;
    this.sweeper = sweeper;
    this.onFinished = onFinished;
    this.metrics = metrics;
    this.killer = killer;
  }

  /** The command exited with {@code code}: KILLED, FAILED (timeout or non-zero exit) or SUCCEEDED. */
  void finishWithExit(Attempt a, int code) {
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

  /** The attempt failed before or instead of an exit: KILLED, or FAILED with a user-facing message. */
  void finishWithFailure(Attempt a, Throwable err) {
    if (err instanceof AttemptRunner.Killed || a.killRequested) {
      finish(a, TaskState.TASK_STATE_KILLED, 0, a.killReason);
    } else if (err instanceof AttemptRunner.BuildFailure || err instanceof TaskStartException
        || err instanceof BundleException || err instanceof PortAllocationException) {
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
    ports.release(a.portOwner());
    metrics.attemptEnded(state);
    reporter.report(a.key, AttemptProtos.report(a, workerId));
    log.debug("attempt {} ended {} ({})", a.key, state, a.error);
    // a tree whose root exited may leave descendants behind, a setup command's too: sweep them before
    // forgetting the pid record and before the working directory goes (a killed tree is gone already: the
    // kill waited for that)
    Future<?> swept = Future.all(Stream.of(a.setupProcess, a.mainProcess)
        .filter(tree -> tree != null && tree != a.killedProcess).map(sweeper::sweep).toList());
    swept.transform(sweep -> ops.blocking(() -> {
      logs.finish(a.key);
      dirs.forgetProcess(a.key);
      if (sweep.failed()) {
        return false; // survivors may still work in the directory: it stays until the attempt is forgotten
      }
      taskDirs.removeAtEnd(a.key);
      return true;
    })).onComplete(treeGone -> {
      if (treeGone) {
        taskDirs.removeLater(a.key);
      }
      a.markEnded();
    }, err -> {
      log.warn("cleaning up after {} failed: {}", a.key, err.toString());
      a.markEnded();
    });
    onFinished.accept(a);
  }
}
