package dev.iris.worker;

import dev.iris.worker.runtime.LaunchSpec;
import dev.iris.worker.runtime.LineSink;
import dev.iris.worker.runtime.RunningTask;
import dev.iris.worker.runtime.TaskRuntime;
import dev.iris.worker.runtime.TaskStartException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A task runtime the test drives: each start makes a {@link Process} whose exit and kill the test
 * completes when it chooses, so a race can be played in any order without real processes or sleeps.
 * Starts can be held (the start blocks, off the event loop, until released) or made to fail.
 */
final class ScriptedRuntime implements TaskRuntime {
  /** Far above any real pid: nothing recorded for a scripted process could name a real one. */
  private static final AtomicLong PIDS = new AtomicLong(4_000_000_000L);
  final List<Process> started = new CopyOnWriteArrayList<>();
  private volatile CountDownLatch hold = new CountDownLatch(0);
  private volatile String failure;

  /** From now on a start blocks until {@link #releaseStarts}. */
  void holdStarts() {
    hold = new CountDownLatch(1);
  }

  void releaseStarts() {
    hold.countDown();
  }

  /** From now on a start fails with {@code message}. */
  void failStarts(String message) {
    failure = message;
  }

  @Override
  public RunningTask start(LaunchSpec spec, LineSink sink) {
    try {
      if (!hold.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("a held start was never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    if (failure != null) {
      throw new TaskStartException(failure);
    }
    Process p = new Process(PIDS.incrementAndGet(), spec, sink);
    started.add(p);
    return p;
  }

  @Override
  public CompletableFuture<Void> killTree(ProcessHandle root, Duration grace) {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void close() {
    hold.countDown();
  }

  /** A scripted process: its root exits when the test says, its tree is gone when the test says. */
  static final class Process implements RunningTask {
    final long pid;
    final LaunchSpec spec;
    final LineSink sink;
    final CompletableFuture<Integer> exit = new CompletableFuture<>();
    final CompletableFuture<Integer> treeGone = new CompletableFuture<>();
    /** The graces of the kills sent, in order (a sweep after the end sends {@link Duration#ZERO}). */
    final List<Duration> kills = new CopyOnWriteArrayList<>();

    Process(long pid, LaunchSpec spec, LineSink sink) {
      this.pid = pid;
      this.spec = spec;
      this.sink = sink;
    }

    /** The root exits with {@code code}. */
    void exit(int code) {
      exit.complete(code);
    }

    /** The tree a kill was sent to is gone. */
    void gone() {
      treeGone.complete(exit.getNow(-1));
    }

    @Override
    public long pid() {
      return pid;
    }

    @Override
    public Optional<Instant> startInstant() {
      return Optional.empty();
    }

    @Override
    public CompletableFuture<Integer> exitFuture() {
      return exit;
    }

    @Override
    public CompletableFuture<Integer> kill(Duration grace) {
      kills.add(grace);
      if (exit.isDone() && grace.isZero()) {
        return CompletableFuture.completedFuture(exit.join()); // a sweep after the end: nothing is left
      }
      return treeGone;
    }
  }
}
