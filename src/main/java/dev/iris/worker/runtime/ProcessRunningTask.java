package dev.iris.worker.runtime;

import dev.iris.worker.proc.ProcId;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/** A task process started by {@link ProcessTaskRuntime}. */
final class ProcessRunningTask implements RunningTask {
  private final Process process;
  private final ProcId id;
  private final boolean sessionLeader;
  private final Optional<Instant> startInstant;
  private final ProcessTreeKiller killer;
  private final CompletableFuture<Integer> exit = new CompletableFuture<>();
  private final AtomicReference<CompletableFuture<Integer>> kill = new AtomicReference<>();
  private final ScheduledExecutorService timers;
  private final LongSupplier lastOutputNanos;
  /** The longest wait for output after the exit, in drain timeouts. */
  static final int DRAIN_LIMIT_TIMEOUTS = 5;

  ProcessRunningTask(
      Process process,
      ProcId id,
      boolean sessionLeader,
      ProcessTreeKiller killer,
      ScheduledExecutorService timers,
      Duration drainTimeout,
      CompletableFuture<Void> outputDrained,
      LongSupplier lastOutputNanos) {
    this.process = process;
    this.id = id;
    this.sessionLeader = sessionLeader;
    this.startInstant = id.startTicks() < 0 ? Optional.empty() : Optional.of(id.startInstant());
    this.killer = killer;
    this.timers = timers;
    this.lastOutputNanos = lastOutputNanos;
    process.onExit().whenComplete((p, error) -> awaitDrain(outputDrained, drainTimeout));
  }

  /**
   * Completes the exit once the output is drained, or once the output stayed quiet for the drain timeout after the
   * exit, whichever is first. Descendants may hold the pipes open long after the root exited: they are not waited
   * for forever. Output that still flows (a pump behind on a busy machine, a descendant still writing) is waited for,
   * up to {@value #DRAIN_LIMIT_TIMEOUTS} drain timeouts in all.
   */
  private void awaitDrain(CompletableFuture<Void> drained, Duration timeout) {
    if (drained.isDone()) {
      completeExit();
      return;
    }
    long exitedAt = System.nanoTime();
    drained.whenComplete((v, e) -> completeExit());
    quietCheck(exitedAt, timeout.toNanos(), timeout.toNanos());
  }

  private void quietCheck(long exitedAt, long timeoutNanos, long delayNanos) {
    try {
      timers.schedule(() -> {
        long now = System.nanoTime();
        long quietFor = now - lastOutputNanos.getAsLong();
        long waited = now - exitedAt;
        if (exit.isDone() || quietFor >= timeoutNanos || waited >= DRAIN_LIMIT_TIMEOUTS * timeoutNanos) {
          completeExit();
        } else {
          quietCheck(exitedAt, timeoutNanos, timeoutNanos - quietFor);
        }
      }, delayNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closed) {
      completeExit(); // the runtime was closed: report the exit without waiting for the drain
    }
  }

  private void completeExit() {
    exit.complete(process.exitValue());
  }

  @Override
  public long pid() {
    return process.pid();
  }

  @Override
  public Optional<Instant> startInstant() {
    return startInstant;
  }

  @Override
  public CompletableFuture<Integer> exitFuture() {
    return exit.copy();
  }

  @Override
  public CompletableFuture<Integer> kill(Duration grace) {
    CompletableFuture<Integer> existing = kill.get();
    if (existing != null) {
      return existing.copy();
    }
    CompletableFuture<Integer> mine = new CompletableFuture<>();
    if (!kill.compareAndSet(null, mine)) {
      return kill.get().copy();
    }
    killer.kill(id, sessionLeader, grace)
        .thenCompose(v -> exit)
        .whenComplete((code, error) -> {
          if (error != null) {
            mine.completeExceptionally(error);
          } else {
            mine.complete(code);
          }
        });
    return mine.copy();
  }

  @Override
  public String toString() {
    return "task process " + id.pid();
  }
}
