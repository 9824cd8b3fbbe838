package dev.iris.worker;

import dev.iris.core.Lease;
import dev.iris.core.LeaseHolder;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's lease on its attempts ({@link Lease}), kept on the worker's monotonic clock: renewed by every
 * registration and heartbeat the controller acknowledges, counted from when that message was sent. A timer fires
 * when fencing is due: every attempt is killed ({@link Fencer}) early enough that its SIGTERM grace ends before the
 * lease does, the worker says why at WARN once, and it takes no RunTask until a renewal gives it a lease again (then
 * at INFO). A controller that grants no lease (an older one) means no fencing. Used on the worker verticle's context.
 */
final class LeaseKeeper {
  private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);

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
    if (fenced && holder.mayRun(now)) {
      fenced = false;
      log.info("worker {}: the controller renewed its lease ({}): it takes tasks again", workerId,
          holder.lease().describe());
    }
    arm();
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
    fenced = true;
    Lease lease = holder.lease();
    long silentMs = (now - lastSentNanos) / 1_000_000;
    String reason = "fenced: worker " + workerId + " could not renew its lease of " + lease.describe() + " (no "
        + "heartbeat acknowledged for " + Lease.seconds(silentMs) + "), so the attempt was killed before the "
        + "controller may retry it elsewhere";
    int n = fencer.fence(Duration.ofMillis(lease.fenceGraceMs()), reason);
    log.warn("worker {}: no heartbeat acknowledged by the controller for {}: its lease of {} runs out, so it kills its "
        + "{} attempts (SIGTERM, SIGKILL after {} ms) before the controller may retry them elsewhere, and takes no "
        + "new task until the controller answers again", workerId, Lease.seconds(silentMs), lease.describe(), n,
        lease.fenceGraceMs());
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
