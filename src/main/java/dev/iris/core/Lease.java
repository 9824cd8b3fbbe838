package dev.iris.core;

/**
 * The arithmetic of a worker's lease on its attempts, shared by the controller (when may it replace a silent
 * worker's attempts?) and the worker (when must it stop them?). Pure: every instant is an argument.
 *
 * <p>The controller grants a lease of {@link #lengthMs} with every acknowledgement of a registration or a
 * heartbeat. The worker counts it on its own monotonic clock from when it <em>sent</em> the acknowledged
 * message, so its lease never ends later than the one the controller counts from when it heard the message.
 * The worker starts killing its attempts {@link #fenceLeadMs} before its lease ends (a SIGTERM, the
 * {@link #fenceGraceMs} grace, SIGKILL, and some slack for the kill to land), so every process is dead when the
 * lease ends. The controller fails a silent worker's attempts only {@link #surelyExpiredAfterMs} after it last
 * heard from it: the lease plus a {@link #driftMarginMs margin} for the two clocks running at different rates and
 * the worker's timer firing late.
 *
 * @param lengthMs the lease's length; 0: no lease (a controller that grants none, a worker never fences)
 */
public record Lease(long lengthMs) {
  /** No lease: the worker's attempts run however long the controller is silent. */
  public static final Lease NONE = new Lease(0);
  /**
   * The default, 25 s: a controller restart (JVM start, then recovery: a few seconds, about 10 s for a million
   * tasks, then the first heartbeat) ends well within the ~19 s before workers start fencing, while an
   * unreachable worker's attempts fail over after ~27.5 s.
   */
  public static final Lease DEFAULT = new Lease(25_000);
  /** The shortest lease that leaves room for a kill: shorter ones are refused. */
  public static final long MIN_MS = 500;
  /** The longest lease: a week (longer ones are refused, and nanosecond arithmetic on them stays far from overflow). */
  public static final long MAX_MS = 7 * 24 * 3_600_000L;

  public Lease {
    if (lengthMs != 0 && (lengthMs < MIN_MS || lengthMs > MAX_MS)) {
      throw new IllegalArgumentException("a lease must be 0 (none) or " + MIN_MS + ".." + MAX_MS + " ms, was "
          + lengthMs);
    }
  }

  /** True when a lease is granted at all. */
  public boolean granted() {
    return lengthMs > 0;
  }

  /**
   * What the controller adds to the lease before it takes a silent worker's attempts for dead: a tenth of the
   * lease, at least 1 s. Monotonic clocks drift by parts per million; the margin is there for a worker whose
   * fencing timer fires late (a busy machine) and for clocks of virtual machines that run slow.
   */
  public long driftMarginMs() {
    return granted() ? Math.max(1_000, lengthMs / 10) : 0;
  }

  /** Silence after which the controller knows the worker's lease ran out: {@link #lengthMs} + {@link #driftMarginMs}. */
  public long surelyExpiredAfterMs() {
    return lengthMs + driftMarginMs();
  }

  /** The SIGTERM-to-SIGKILL grace of a fencing kill: a fifth of the lease, at most 5 s. */
  public long fenceGraceMs() {
    return Math.min(5_000, lengthMs / 5);
  }

  /**
   * How long before its lease ends a worker starts fencing: the grace plus a slack of a tenth of the lease (at most
   * 1 s) for SIGKILL to land and the timer to fire.
   */
  public long fenceLeadMs() {
    return fenceGraceMs() + fenceSlackMs();
  }

  /**
   * How long before its lease ends every one of a worker's processes must be dead: a tenth of the lease, at most
   * 1 s, for SIGKILL to land and the timer to fire.
   */
  public long fenceSlackMs() {
    return Math.min(1_000, lengthMs / 10);
  }

  /** {@code 25 s}, {@code 2.5 s}, {@code none}. */
  public String describe() {
    return granted() ? seconds(lengthMs) : "none";
  }

  /** {@code ms} as seconds for people: {@code 25 s}, {@code 2.5 s}. */
  public static String seconds(long ms) {
    return ms % 1_000 == 0 ? ms / 1_000 + " s" : ms / 1_000.0 + " s";
  }
}
