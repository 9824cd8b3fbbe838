package dev.iris.worker;

import dev.iris.worker.attempt.AttemptEvent;
import dev.iris.worker.attempt.Command;
import dev.iris.worker.runtime.RunningTask;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.BiConsumer;

/**
 * Carries out the lifecycle's kills and timeouts: a kill goes to the command's whole process tree (SIGTERM,
 * SIGKILL after the grace) and answers KillDone once the tree is gone; the timeout is a timer that answers
 * TimeoutExpired. Used on the worker verticle's context.
 */
final class AttemptKiller {
  private final Vertx vertx;
  private final ContextOps ops;
  private final BiConsumer<Attempt, AttemptEvent> events;

  AttemptKiller(Vertx vertx, ContextOps ops, BiConsumer<Attempt, AttemptEvent> events) {
    this.vertx = vertx;
    this.ops = ops;
    this.events = events;
  }

  void kill(Attempt a, Command command, Duration grace) {
    RunningTask process = a.processes.get(command);
    ops.here(process.kill(grace)).onComplete(x -> events.accept(a, new AttemptEvent.KillDone(command)));
  }

  void armTimeout(Attempt a, Duration after) {
    a.timeoutTimer = vertx.setTimer(Math.max(1, after.toMillis()), t -> {
      a.timeoutTimer = -1;
      events.accept(a, new AttemptEvent.TimeoutExpired());
    });
  }

  void cancelTimeout(Attempt a) {
    if (a.timeoutTimer != -1) {
      vertx.cancelTimer(a.timeoutTimer);
      a.timeoutTimer = -1;
    }
  }
}
