package dev.iris.core;

/**
 * A worker's side of its {@link Lease}: when it ends and when fencing must begin, counted on the worker's
 * monotonic clock (nanoseconds, an argument: {@link System#nanoTime} in the worker, anything in tests). Each
 * acknowledgement renews it from the instant the acknowledged message was sent; an older acknowledgement arriving
 * late never shortens it. Not thread-safe: the worker's context owns it.
 *
 * <p>While no lease was granted (before the first acknowledgement, or a controller that grants none) nothing is
 * ever fenced: {@link #mayRun} is true and {@link #fenceDue} false.
 */
public final class LeaseHolder {
  private Lease lease = Lease.NONE;
  /** When the lease ends (nanos); meaningful while {@link #lease} is granted. */
  private long endsAtNanos;

  /**
   * The controller acknowledged a message sent at {@code sentAtNanos}, granting {@code lease}. Returns true when
   * this renewal ends a lapse: the worker held no lease at {@code nowNanos} before it (it may run work again).
   */
  public boolean renewed(long sentAtNanos, Lease lease, long nowNanos) {
    boolean lapsed = !mayRun(nowNanos);
    if (!lease.granted()) {
      this.lease = Lease.NONE;
      return lapsed;
    }
    long endsAt = sentAtNanos + lease.lengthMs() * 1_000_000;
    // a late answer to an older message never shortens the lease; a new length (a reconfigured controller) counts
    // from this message alone
    endsAtNanos = lease.equals(this.lease) && endsAtNanos - endsAt > 0 ? endsAtNanos : endsAt;
    this.lease = lease;
    return lapsed && mayRun(nowNanos);
  }

  public Lease lease() {
    return lease;
  }

  /** When fencing begins: {@link Lease#fenceLeadMs} before the lease ends (nanos); meaningful while granted. */
  public long fenceAtNanos() {
    return endsAtNanos - lease.fenceLeadMs() * 1_000_000;
  }

  /**
   * When every process of the worker's attempts must be dead: {@link Lease#fenceSlackMs} before the lease ends
   * (nanos); meaningful while granted. A fencing that starts late (the worker was stalled) keeps this instant and
   * shortens its grace.
   */
  public long killByNanos() {
    return endsAtNanos - lease.fenceSlackMs() * 1_000_000;
  }

  /** True when attempts must be killed now: a lease was granted and its fencing instant has come. */
  public boolean fenceDue(long nowNanos) {
    return lease.granted() && nowNanos - fenceAtNanos() >= 0;
  }

  /** True when the worker may run attempts (and accept new ones) at {@code nowNanos}: no lease, or not yet fencing. */
  public boolean mayRun(long nowNanos) {
    return !fenceDue(nowNanos);
  }

  /** How long until fencing begins, in ms (0: now or past; {@link Long#MAX_VALUE}: no lease). */
  public long msUntilFence(long nowNanos) {
    if (!lease.granted()) {
      return Long.MAX_VALUE;
    }
    return Math.max(0, (fenceAtNanos() - nowNanos + 999_999) / 1_000_000);
  }
}
