package dev.iris.worker;

import dev.iris.worker.attempt.Command;
import dev.iris.worker.host.WorkDirs;
import dev.iris.worker.logs.TaskLogStore;
import io.vertx.core.Future;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the lifecycle's end: sweeps what the finished attempt's process trees left behind, then, off
 * the event loop, finishes its log, forgets its pid record and hands its working directory to {@link
 * TaskDirRetention} (removed at once, or later when directories are kept); and records the end.
 */
final class AttemptFinisher {
  private static final Logger log = LoggerFactory.getLogger(AttemptFinisher.class);

  private final ContextOps ops;
  private final WorkDirs dirs;
  private final TaskDirRetention taskDirs;
  private final TaskLogStore logs;
  private final OrphanSweeper sweeper;
  private final Consumer<Attempt> onFinished;
  private final WorkerMetrics metrics;

  AttemptFinisher(ContextOps ops, WorkDirs dirs, TaskDirRetention taskDirs, TaskLogStore logs, OrphanSweeper sweeper,
      Consumer<Attempt> onFinished, WorkerMetrics metrics) {
    this.ops = ops;
    this.dirs = dirs;
    this.taskDirs = taskDirs;
    this.logs = logs;
    this.sweeper = sweeper;
    this.onFinished = onFinished;
    this.metrics = metrics;
  }

  /** Sweeps the {@code sweep} commands' leftovers, then cleans up; the attempt has ended once that is done. */
  void cleanUp(Attempt a, Set<Command> sweep) {
    Future<?> swept = Future.all(sweep.stream().map(a.processes::get).filter(Objects::nonNull)
        .map(sweeper::sweep).toList());
    swept.transform(sweepOutcome -> ops.blocking(() -> {
      logs.finish(a.key);
      dirs.forgetProcess(a.key);
      if (sweepOutcome.failed()) {
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
  }

  /** Counts the end and hands the attempt to the table of finished attempts. */
  void finished(Attempt a) {
    metrics.attemptEnded(AttemptProtos.state(a.state));
    log.debug("attempt {} ended {} ({})", a.key, a.state.taskState(), a.state.error());
    onFinished.accept(a);
  }
}
