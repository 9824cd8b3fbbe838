package dev.iris.controller;

import dev.iris.controller.journal.JournalOptions;
import dev.iris.controller.journal.StateDir;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the store gets out of a failed journal (a full disk, an unwritable state directory, an I/O error): a journal
 * whose write or fsync failed refuses every append until it is reopened, and the store refuses changes meanwhile.
 * Every {@code intervalMs} this probes the journal's directory on a worker thread, never on the event loop: it
 * writes a file as large as the writer's next step of zeros ahead (at least 64 KiB), forces it and deletes it,
 * through the journal's own channel opener (tests fail it there). Once that goes through, it runs the store's
 * {@code reopen} on the same thread (close the failed journal, replay the directory into a fresh state, as at
 * start) and hands the result to {@code reopened} on the store's context. A failed probe or reopen is tried
 * again after the interval; it is logged at WARN when its reason changes and once a minute, else at DEBUG.
 *
 * <p>Used on the store's context. Leftover probe files end in {@code .tmp}, which the journal's next open
 * deletes.
 *
 * @param <T> what a reopen produces (the rebuilt state and its journal)
 */
final class JournalRetry<T> {
  private static final Logger LOG = LoggerFactory.getLogger(JournalRetry.class);
  static final String PROBE_FILE = "write-probe.tmp";
  private static final int MIN_PROBE_BYTES = 64 << 10;
  private static final long REMIND_NANOS = 60_000_000_000L;

  private final Vertx vertx;
  private final long intervalMs;
  private final Path dir;
  private final JournalOptions options;
  private final Callable<T> reopen;
  private final Handler<T> reopened;
  private final Consumer<String> stillFailing;
  private boolean active;
  private boolean stopped;
  private long timer = -1;
  private Future<T> attempt = Future.succeededFuture();
  private int tries;
  private String lastReason;
  private long lastWarnNanos;

  /**
   * @param dir the journal's directory, where the probe file is written
   * @param reopen on a worker thread, once a probe went through: the store's reopen
   * @param reopened on the context: the store takes changes again
   * @param stillFailing on the context: why the last probe or reopen failed (the OS's reason, in a few words)
   */
  JournalRetry(Vertx vertx, long intervalMs, Path dir, JournalOptions options, Callable<T> reopen,
      Handler<T> reopened, Consumer<String> stillFailing) {
    this.vertx = vertx;
    this.intervalMs = intervalMs;
    this.dir = dir;
    this.options = options;
    this.reopen = reopen;
    this.reopened = reopened;
    this.stillFailing = stillFailing;
  }

  long intervalMs() {
    return intervalMs;
  }

  /** Begins retrying, unless it already is (or was stopped); {@code reason}: why the journal failed, as logged. */
  void start(String reason) {
    if (active || stopped) {
      return;
    }
    active = true;
    tries = 0;
    lastReason = reason;
    lastWarnNanos = System.nanoTime();
    timer = vertx.setTimer(intervalMs, id -> attempt());
  }

  /**
   * Stops retrying for good (the store stops). Completes once an attempt underway has ended, with what it reopened
   * if it succeeded (the caller closes it), else with null.
   */
  Future<T> stop() {
    stopped = true;
    if (timer != -1) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    return attempt.otherwiseEmpty();
  }

  private void attempt() {
    timer = -1;
    if (stopped) {
      return;
    }
    tries++;
    attempt = vertx.executeBlocking(() -> {
      probe(dir, options);
      return reopen.call();
    }, false);
    attempt.onComplete(ar -> {
      if (stopped) {
        return; // stop() hands a reopened journal to the caller
      }
      if (ar.succeeded()) {
        active = false;
        reopened.handle(ar.result());
        return;
      }
      String reason = reason(ar.cause());
      long now = System.nanoTime();
      if (!reason.equals(lastReason) || now - lastWarnNanos >= REMIND_NANOS) {
        LOG.warn("state directory still cannot be written ({} tries): {}; retrying every {} ms", tries, reason,
            intervalMs);
        lastWarnNanos = now;
      } else {
        LOG.debug("state directory still cannot be written ({} tries): {}", tries, reason);
      }
      lastReason = reason;
      stillFailing.accept(reason);
      timer = vertx.setTimer(intervalMs, id -> attempt());
    });
  }

  /**
   * An error in a few words: the OS's reason for the I/O error at its root (a refused append, or a reopen whose
   * first append was refused, wraps one), else its message.
   */
  static String reason(Throwable t) {
    IOException root = null;
    for (Throwable c = t; c != null && c != c.getCause(); c = c.getCause()) {
      if (c instanceof IOException io) {
        root = io; // the deepest
      }
    }
    if (root != null) {
      return StateDir.describe(root);
    }
    return t.getMessage() != null ? t.getMessage() : t.toString();
  }

  /**
   * Writes, forces and deletes a file in {@code dir} through the journal's opener: whether the journal could take
   * writes again, as far as one probe can tell. The size covers the writer's next step of zeros ahead.
   */
  static void probe(Path dir, JournalOptions options) throws IOException {
    Path file = dir.resolve(PROBE_FILE);
    long size = Math.max(MIN_PROBE_BYTES, options.preallocateBytes());
    ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(size, 1 << 20));
    try {
      try (FileChannel ch = options.opener().open(file, Set.of(StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE))) {
        for (long at = 0; at < size; ) {
          zeros.clear().limit((int) Math.min(zeros.capacity(), size - at));
          while (zeros.hasRemaining()) {
            at += ch.write(zeros, at);
          }
        }
        ch.force(true);
      }
    } finally {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // the next probe or the journal's next open deletes it
      }
    }
  }
}
