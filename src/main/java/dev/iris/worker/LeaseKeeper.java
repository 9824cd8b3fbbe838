package dev.iris.worker;

import dev.iris.core.Lease;
import dev.iris.core.LeaseHolder;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's lease on its attempts ({@link Lease}), kept on the worker's monotonic clock: renewed by every
 * registration and heartbeat the controller acknowledges, counted from when that message was sent. A timer fires
 * when fencing is due: every attempt is killed ({@link Fencer}) early enough that its SIGTERM grace ends before the
 * lease does, the worker says why at WARN once, and it takes no RunTask until a renewal gives it a lease again (then
 * at INFO). A controller that grants no lease (an older one) means no fencing. Used on the worker verticle's context.
 *
 * <p>A worker stalled past its fencing instant (SIGSTOP, a long pause: the timer fires more than {@value #STALL_MS} ms
 * late) could not send its heartbeats meanwhile, so before it kills anything it asks once for a renewal (an
 * immediate heartbeat) and waits for it until just before the kill-by instant ({@link LeaseHolder#killByNanos}); a
 * renewal keeps its attempts, no renewal fences them with the grace that is left. Either way every process is dead by
 * the same instant as without a stall.
 */
final class LeaseKeeper {
  private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);

  /** A fencing timer this late means the worker was stalled (SIGSTOP, a long pause): it asks for a renewal first. */
  static final long STALL_MS = 500;
  /** What a stalled worker keeps before its kill-by instant for the kill itself, when no renewal came. */
  static final long KILL_BUDGET_MS = 300;
  /** The least time for a renewal's round trip that makes asking worth it. */
  static final long MIN_RENEWAL_WINDOW_MS = 500;

  /** Kills every unfinished attempt so, ending it WORKER_FAILED with {@code reason}; returns how many. */
  interface Fencer {
    int fence(Duration grace, String reason);
  }

  private final Vertx vertx;
  private final String workerId;
  private final Fencer fencer;
  private final LeaseHolder holder = new LeaseHolder();
  private long timer = -1;
  private boolean fenced;
  /** When the newest acknowledged message was sent (System.nanoTime), for the log. */
  private long lastSentNanos;
  private boolean closed;
  /** Asks the controller for a renewal at once (a heartbeat now); set once the session exists. */
  private Runnable askRenewal = () -> {};
  /** A stalled worker asked for a renewal before fencing; reset by a renewal. */
  private boolean askedAfterStall;
  /** RunTasks waiting for a renewal while fenced ({@link #renewedWithin}). */
  private final List<io.vertx.core.Promise<Boolean>> waiters = new ArrayList<>();

  LeaseKeeper(Vertx vertx, String workerId, Fencer fencer) {
    this.vertx = vertx;
    this.workerId = workerId;
    this.fencer = fencer;
  }

  /** The controller acknowledged a message sent at {@code sentNanos}, granting {@code leaseMs} (0: none). */
  void renewed(long sentNanos, long leaseMs) {
    if (closed) {
      return;
    }
    long now = System.nanoTime();
    lastSentNanos = sentNanos - lastSentNanos > 0 || lastSentNanos == 0 ? sentNanos : lastSentNanos;
    holder.renewed(sentNanos, new Lease(clamp(leaseMs)), now);
    if (holder.mayRun(now)) {
      askedAfterStall = false;
      List<io.vertx.core.Promise<Boolean>> waiting = List.copyOf(waiters);
      waiters.clear();
      waiting.forEach(p -> p.tryComplete(true));
    }
    if (fenced && holder.mayRun(now)) {
      fenced = false;
      log.info("worker {}: the controller renewed its lease ({}): it takes tasks again", workerId,
          holder.lease().describe());
    }
    arm();
  }

  /**
   * Completes with true as soon as the worker may run attempts ({@link #mayRun}: at once if it may now, or when a
   * renewal comes), with false if no renewal came within {@code wait}.
   */
  io.vertx.core.Future<Boolean> renewedWithin(Duration wait) {
    if (mayRun()) {
      return io.vertx.core.Future.succeededFuture(true);
    }
    io.vertx.core.Promise<Boolean> p = io.vertx.core.Promise.promise();
    waiters.add(p);
    long t = vertx.setTimer(Math.max(1, wait.toMillis()), id -> {
      waiters.remove(p);
      p.tryComplete(mayRun());
    });
    p.future().onComplete(x -> vertx.cancelTimer(t));
    return p.future();
  }

  /** How the keeper asks for a renewal at once: the session's immediate heartbeat. */
  void askRenewalWith(Runnable heartbeatNow) {
    this.askRenewal = heartbeatNow;
  }

  /** True while the worker may run attempts and take new ones: it holds a lease, or none was ever granted. */
  boolean mayRun() {
    return holder.mayRun(System.nanoTime());
  }

  /** Why a RunTask is refused while {@link #mayRun} is false. */
  String refusal() {
    return "worker " + workerId + " holds no lease: it cannot reach the controller, and fenced its attempts";
  }

  void close() {
    closed = true;
    cancel();
  }

  private void arm() {
    cancel();
    long ms = holder.msUntilFence(System.nanoTime());
    if (ms == Long.MAX_VALUE) {
      return;
    }
    timer = vertx.setTimer(Math.max(1, ms), t -> {
      timer = -1;
      check();
    });
  }

  private void check() {
    if (closed) {
      return;
    }
    long now = System.nanoTime();
    if (!holder.fenceDue(now)) {
      arm();
      return;
    }
    if (fenced) {
      return;
    }
    long lateMs = (now - holder.fenceAtNanos()) / 1_000_000;
    long lastChance = holder.killByNanos() - KILL_BUDGET_MS * 1_000_000;
    if (!askedAfterStall && lateMs >= STALL_MS && (lastChance - now) / 1_000_000 >= MIN_RENEWAL_WINDOW_MS) {
      // stalled past the fencing instant (stopped, a long pause): its heartbeats could not even be sent, so it asks
      // once more, and kills by the same instant as ever if no answer comes
      askedAfterStall = true;
      long windowMs = (lastChance - now) / 1_000_000;
      log.warn("worker {}: its lease's fencing is {} late (this worker was stalled: stopped, or paused): it asks the "
          + "controller to renew its lease of {} now, and fences in {} ms unless it does", workerId,
          Lease.seconds(lateMs), holder.lease().describe(), windowMs);
      askRenewal.run();
      timer = vertx.setTimer(Math.max(1, windowMs), t -> {
        timer = -1;
        check();
      });
      return;
    }
    fence(now);
  }

  private void fence(long now) {
    fenced = true;
    Lease lease = holder.lease();
    long silentMs = (now - lastSentNanos) / 1_000_000;
    // a fencing that starts late keeps the kill-by instant: less grace, never a later kill
    long graceMs = Math.min(lease.fenceGraceMs(), Math.max(0, (holder.killByNanos() - now) / 1_000_000));
    String reason = "fenced: worker " + workerId + " could not renew its lease of " + lease.describe() + " (no "
        + "heartbeat acknowledged for " + Lease.seconds(silentMs) + "), so the attempt was killed before the "
        + "controller may retry it elsewhere";
    int n = fencer.fence(Duration.ofMillis(graceMs), reason);
    log.warn("worker {}: no heartbeat acknowledged by the controller for {}: its lease of {} runs out, so it kills its "
        + "{} attempts (SIGTERM, SIGKILL after {} ms) before the controller may retry them elsewhere, and takes no "
        + "new task until the controller answers again", workerId, Lease.seconds(silentMs), lease.describe(), n,
        graceMs);
  }

  private void cancel() {
    if (timer != -1) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  /** A lease the worker can keep: 0 stays none; one too short or too long for {@link Lease} is brought in range. */
  private static long clamp(long ms) {
    return ms <= 0 ? 0 : Math.max(Lease.MIN_MS, Math.min(Lease.MAX_MS, ms));
  }
}
