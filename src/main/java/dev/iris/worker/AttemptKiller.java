package dev.iris.worker;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;

/**
 * Kills attempts and enforces their timeouts: SIGTERM to the process tree, SIGKILL after a grace, and a
 * wait until the tree is gone. Used on the worker verticle's context.
 */
final class AttemptKiller {
  static final Duration TIMEOUT_GRACE = Duration.ofSeconds(5);

  private final Vertx vertx;
  private final ContextOps ops;

  AttemptKiller(Vertx vertx, ContextOps ops) {
    this.vertx = vertx;
    this.ops = ops;
  }

  /** Asks the attempt to die: SIGTERM to its tree now, SIGKILL after {@code grace}. Idempotent. */
  void kill(Attempt a, Duration grace, String reason) {
    if (a.isFinished() || a.killRequested) {
      return;
    }
    a.killRequested = true;
    a.killGrace = grace;
    a.killReason = reason;
    if (a.process != null) {
      sendKill(a, grace);
    }
  }

  /** Sends the kill to the attempt's current process, once. */
  void sendKill(Attempt a, Duration grace) {
    if (a.killing == null && a.process != null) {
      a.killedProcess = a.process;
      a.killing = a.process.kill(grace);
    }
  }

  /** When a kill was sent, waits until the whole tree is gone; then yields {@code code}. */
  Future<Integer> afterKill(Attempt a, int code) {
    if (a.killing == null) {
      return Future.succeededFuture(code);
    }
    return ops.here(a.killing).transform(x -> Future.succeededFuture(code));
  }

  /** Arms the task's timeout, if it has one: when it fires, the attempt is marked timed out and killed. */
  void armTimeout(Attempt a) {
    int timeout = a.request.getTimeoutSeconds();
    if (timeout > 0) {
      a.timeoutTimer = vertx.setTimer(timeout * 1000L, t -> {
        a.timeoutTimer = -1;
        if (!a.isFinished() && !a.killRequested) {
          a.timedOut = true;
          sendKill(a, TIMEOUT_GRACE);
        }
      });
    }
  }

  /** Cancels the timeout, if armed. */
  void disarmTimeout(Attempt a) {
    if (a.timeoutTimer != -1) {
      vertx.cancelTimer(a.timeoutTimer);
      a.timeoutTimer = -1;
    }
  }
}
