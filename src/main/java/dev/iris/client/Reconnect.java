package dev.iris.client;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * How a client that follows a job ({@link IrisClient#wait}, and so {@code iris job run} and {@code iris job
 * logs --follow}) rides through a controller that stops answering, as during its restart: it retries with
 * capped, jittered exponential backoff and gives up once the controller has been silent for {@link
 * #giveUpAfter}. The one policy of the Java client and the CLI; plain Java, time passed in.
 *
 * <p>Only following retries. A one-shot call (submit, status, list, kill) fails at once: it is the caller's to
 * decide whether to try again (a submission is not idempotent unless the job's name is fixed).
 *
 * @param firstDelay the pause before the first retry
 * @param maxDelay the longest pause between two retries
 * @param giveUpAfter how long the controller may stay silent before the follow fails; zero fails at the first
 *     unanswered retry
 */
public record Reconnect(Duration firstDelay, Duration maxDelay, Duration giveUpAfter) {
  /** How long a follow keeps retrying by default: a controller restart takes seconds, an upgrade minutes. */
  public static final Duration DEFAULT_GIVE_UP_AFTER = Duration.ofMinutes(10);
  /** Retries 250 ms apart at first, doubling up to 5 s apart, for {@link #DEFAULT_GIVE_UP_AFTER}. */
  public static final Reconnect DEFAULT = new Reconnect(Duration.ofMillis(250), Duration.ofSeconds(5),
      DEFAULT_GIVE_UP_AFTER);

  public Reconnect {
    Objects.requireNonNull(firstDelay, "firstDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    Objects.requireNonNull(giveUpAfter, "giveUpAfter");
    if (firstDelay.isNegative() || firstDelay.isZero() || maxDelay.compareTo(firstDelay) < 0) {
      throw new IllegalArgumentException("reconnect delays must be positive, the first at most the largest: "
          + firstDelay + ", " + maxDelay);
    }
    if (giveUpAfter.isNegative()) {
      throw new IllegalArgumentException("reconnect give-up time must not be negative: " + giveUpAfter);
    }
  }

  /** The same delays, giving up after {@code d} of silence. */
  public Reconnect withGiveUpAfter(Duration d) {
    return new Reconnect(firstDelay, maxDelay, d);
  }

  /**
   * The pause before retry number {@code failures} (1 for the first): {@link #firstDelay} doubled for each
   * failure before it, at most {@link #maxDelay}, then jittered into its upper half by {@code random} (0..1) so
   * that the clients of one controller do not all come back in the same instant.
   */
  public long delayMs(int failures, double random) {
    long first = firstDelay.toMillis();
    long cap = maxDelay.toMillis();
    int doublings = Math.max(0, Math.min(failures - 1, 30));
    long full = first > (cap >> doublings) ? cap : first << doublings;
    double r = Math.max(0, Math.min(1, random));
    return Math.max(1, full / 2 + Math.round(r * (full - full / 2)));
  }

  /** An outage that began at {@code nowMs} (any monotonic milliseconds). */
  public Outage begin(long nowMs) {
    return new Outage(this, nowMs);
  }

  /** One spell without the controller: from the first failure until it answers again or the follow gives up. */
  public static final class Outage {
    private final Reconnect policy;
    private final long startMs;
    private int failures;

    private Outage(Reconnect policy, long startMs) {
      this.policy = policy;
      this.startMs = startMs;
    }

    /**
     * Counts one more failure and answers the pause before the next try, never past the give-up time; empty
     * once the controller has been silent for {@link Reconnect#giveUpAfter}: give up.
     */
    public OptionalLong nextDelayMs(long nowMs, double random) {
      failures++;
      long left = policy.giveUpAfter().toMillis() - (nowMs - startMs);
      if (left <= 0) {
        return OptionalLong.empty();
      }
      return OptionalLong.of(Math.min(left, policy.delayMs(failures, random)));
    }

    /** How long the outage has lasted at {@code nowMs}. */
    public Duration length(long nowMs) {
      return Duration.ofMillis(Math.max(0, nowMs - startMs));
    }
  }

  /** A duration as people read it in one line: {@code 850ms}, {@code 4.2s}, {@code 1m30s}, {@code 10m}. */
  public static String shortly(Duration d) {
    long ms = Math.max(0, d.toMillis());
    if (ms < 1_000) {
      return ms + "ms";
    }
    if (ms < 60_000) {
      long tenths = Math.round(ms / 100.0);
      return tenths % 10 == 0 ? tenths / 10 + "s" : tenths / 10 + "." + tenths % 10 + "s";
    }
    long s = ms / 1_000;
    long h = s / 3_600;
    long m = s % 3_600 / 60;
    long sec = s % 60;
    return (h > 0 ? h + "h" : "") + (m > 0 ? m + "m" : "") + (sec > 0 ? sec + "s" : "");
  }
}
