package dev.iris.worker.runtime;

import dev.iris.worker.proc.ProcId;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** A task process started by {@link ProcessTaskRuntime}. */
final class ProcessRunningTask implements RunningTask {
  private final Process process;
  private final ProcId id;
  private final boolean sessionLeader;
  private final Optional<Instant> startInstant;
  private final ProcessTreeKiller killer;
  private final CompletableFuture<Integer> exit = new CompletableFuture<>();
  private final AtomicReference<CompletableFuture<Integer>> kill = new AtomicReference<>();

  ProcessRunningTask(
      Process process,
      ProcId id,
      boolean sessionLeader,
      ProcessTreeKiller killer,
      ScheduledExecutorService timers,
      Duration drainTimeout,
      CompletableFuture<Void> outputDrained) {
    this.process = process;
    this.id = id;
    this.sessionLeader = sessionLeader;
    this.startInstant = id.startTicks() < 0 ? Optional.empty() : Optional.of(id.startInstant());
    this.killer = killer;
    process.onExit().whenComplete((p, error) -> awaitDrain(outputDrained, timers, drainTimeout));
  }

  /** Completes the exit once the output is drained, or after the drain timeout, whichever is first. */
  private void awaitDrain(CompletableFuture<Void> drained, ScheduledExecutorService timers, Duration timeout) {
    if (drained.isDone()) {
      completeExit();
      return;
    }
    // Descendants may hold the pipes open long after the root exited: do not wait for them forever.
    ScheduledFuture<?> timer;
    try {
      timer = timers.schedule(this::completeExit, timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closed) {
      completeExit(); // the runtime was closed: report the exit without waiting for the drain
      return;
    }
    drained.whenComplete((v, e) -> {
      timer.cancel(false);
      completeExit();
    });
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
