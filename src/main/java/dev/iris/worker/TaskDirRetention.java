package dev.iris.worker;

import dev.iris.worker.attempt.AttemptKey;
import dev.iris.worker.host.WorkDirs;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How long a finished attempt's working directory stays: "keep logs, drop the rest". Once an attempt ended
 * and no process of it is left (its tree exited or was killed, and the orphans it left were swept), its
 * directory {@code tasks/<task>.attempt-<n>} is removed, at once ({@code keep} zero, the default) or
 * {@code keep} later. Its logs stay until the worker forgets the attempt (the task table's eviction), and
 * that eviction removes a directory still kept, too. A directory already gone is fine.
 *
 * <p>Removal at once runs in the finisher's own cleanup trip off the event loop ({@link #removeAtEnd});
 * a kept directory's removal is a timer on the worker verticle's context ({@link #removeLater}) whose file
 * work again runs off the event loop. At most one timer per retained finished attempt, so the table's bound
 * bounds them; {@link #close} cancels them when the worker stops, leaving their directories to the next
 * start's leftover cleanup. Used on the worker verticle's context, except {@link #removeAtEnd}.
 */
final class TaskDirRetention {
  private static final Logger log = LoggerFactory.getLogger(TaskDirRetention.class);

  private final Vertx vertx;
  private final ContextOps ops;
  private final WorkDirs dirs;
  private final Duration keep;
  private final Map<AttemptKey, Long> timers = new HashMap<>();
  private boolean closed;

  TaskDirRetention(Vertx vertx, ContextOps ops, WorkDirs dirs, Duration keep) {
    this.vertx = vertx;
    this.ops = ops;
    this.dirs = dirs;
    this.keep = keep;
  }

  /**
   * Removes the directory of an attempt no process of which is left, unless directories are kept. Blocking:
   * call it off the event loop.
   */
  void removeAtEnd(AttemptKey key) {
    if (keep.isZero()) {
      dirs.deleteAttemptDir(key);
    }
  }

  /** Arms the removal of the directory of an attempt no process of which is left, if directories are kept. */
  void removeLater(AttemptKey key) {
    if (keep.isZero() || closed || timers.containsKey(key)) {
      return;
    }
    timers.put(key, vertx.setTimer(delayMillis(keep), t -> {
      timers.remove(key);
      ops.blocking(() -> {
        dirs.deleteAttemptDir(key);
        return null;
      }).onFailure(e -> log.warn("cannot remove the directory of {}: {}", key, e.toString()));
    }));
  }

  /** Cancels a pending removal: the attempt is forgotten, and whoever forgot it removes its files. */
  void forget(AttemptKey key) {
    Long timer = timers.remove(key);
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
  }

  /**
   * Cancels every pending removal and arms no more (the worker stops); the directories stay for the next
   * start to remove.
   */
  void close() {
    closed = true;
    timers.values().forEach(vertx::cancelTimer);
    timers.clear();
  }

  /** A timer's delay: at least 1 ms (Vert.x refuses 0), saturated for durations beyond a long of millis. */
  private static long delayMillis(Duration keep) {
    try {
      return Math.max(1, keep.toMillis());
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE;
    }
  }
}
