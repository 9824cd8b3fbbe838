package dev.iris.worker;

import dev.iris.worker.proc.ProcFs;
import dev.iris.worker.proc.ProcStat;
import dev.iris.worker.runtime.RunningTask;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Kills what a finished task left behind: processes of its session that outlived the root (daemons,
 * background jobs). Checking costs a scan of {@code /proc}, so the attempts that ended within a short
 * window share one scan, and only those with survivors get the runtime's full tree kill. Without
 * per-task sessions (no {@code setsid}) every attempt is swept on its own. Used on the worker verticle's
 * context.
 */
final class OrphanSweeper {
  static final long BATCH_MS = 100;

  private final Vertx vertx;
  private final ContextOps ops;
  private final boolean sessions;
  private List<Pending> pending = new ArrayList<>();
  private long timer = -1;

  private record Pending(RunningTask task, Promise<Void> done) {}

  /**
   * @param sessions whether each task runs in a session of its own whose id is the root's pid
   */
  OrphanSweeper(Vertx vertx, ContextOps ops, boolean sessions) {
    this.vertx = vertx;
    this.ops = ops;
    this.sessions = sessions && ProcFs.available();
  }

  /** Completes once no process of the finished task's tree survives (or sweeping failed). */
  Future<Void> sweep(RunningTask task) {
    if (!sessions) {
      return ops.here(task.kill(Duration.ZERO)).otherwiseEmpty().mapEmpty();
    }
    Promise<Void> done = Promise.promise();
    pending.add(new Pending(task, done));
    if (timer == -1) {
      timer = vertx.setTimer(BATCH_MS, t -> scan());
    }
    return done.future();
  }

  private void scan() {
    List<Pending> batch = pending;
    pending = new ArrayList<>();
    ops.blocking(() -> {
      Set<Long> sessionsAlive = new HashSet<>();
      for (ProcStat s : ProcFs.all()) {
        if (s.isLive()) {
          sessionsAlive.add(s.session());
        }
      }
      return sessionsAlive;
    }).onComplete(alive -> {
      for (Pending p : batch) {
        if (alive.contains(p.task.pid())) {
          ops.here(p.task.kill(Duration.ZERO)).onComplete(x -> p.done.tryComplete());
        } else {
          p.done.tryComplete();
        }
      }
      next();
    }, err -> {
      batch.forEach(p -> ops.here(p.task.kill(Duration.ZERO)).onComplete(x -> p.done.tryComplete()));
      next();
    });
  }

  private void next() {
    timer = pending.isEmpty() ? -1 : vertx.setTimer(BATCH_MS, t -> scan());
  }
}
