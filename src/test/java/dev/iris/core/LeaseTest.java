package dev.iris.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link Lease} and {@link LeaseHolder}: the lease arithmetic, table-driven, and its safety as a property. */
class LeaseTest {
  private static final long MS = 1_000_000;

  @ParameterizedTest(name = "lease {0} ms: margin {1}, failed over after {2}, grace {3}, lead {4}")
  @CsvSource({
      // length, drift margin, surely expired after, fence grace, fence lead
      "25000, 2500, 27500, 5000, 6000",
      "10000, 1000, 11000, 2000, 3000",
      "60000, 6000, 66000, 5000, 6000",
      "2000,  1000, 3000,  400,  600",
      "500,   1000, 1500,  100,  150",
      "0,     0,    0,     0,    0",
  })
  void arithmetic(long length, long margin, long expired, long grace, long lead) {
    Lease l = new Lease(length);
    assertThat(l.driftMarginMs()).isEqualTo(margin);
    assertThat(l.surelyExpiredAfterMs()).isEqualTo(expired);
    assertThat(l.fenceGraceMs()).isEqualTo(grace);
    assertThat(l.fenceLeadMs()).isEqualTo(lead);
  }

  @Test
  void aLeaseTooShortForAKillIsRefused() {
    assertThatThrownBy(() -> new Lease(499)).hasMessageContaining("500..604800000 ms");
    assertThatThrownBy(() -> new Lease(Lease.MAX_MS + 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Lease(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThat(Lease.DEFAULT.lengthMs()).isEqualTo(25_000);
    assertThat(Lease.DEFAULT.describe()).isEqualTo("25 s");
    assertThat(new Lease(2_500).describe()).isEqualTo("2.5 s");
    assertThat(Lease.NONE.describe()).isEqualTo("none");
  }

  /** One step of a holder's life: renew (a message sent at {@code sentMs}, answered at {@code atMs}) or ask at {@code atMs}. */
  private record Step(String what, long sentMs, long lengthMs, long atMs, boolean mayRun, long msUntilFence) {}

  @Test
  void holderTable() {
    Lease l = new Lease(10_000); // fences 3 s before the end
    List<Step> steps = List.of(
        new Step("nothing granted yet: never fences", 0, 0, 50_000, true, Long.MAX_VALUE),
        new Step("renewed: sent at 1 s, ends at 11 s, fences at 8 s", 1_000, 10_000, 1_200, true, 6_800),
        new Step("still held at 7.999 s", -1, 0, 7_999, true, 1),
        new Step("fencing at 8 s", -1, 0, 8_000, false, 0),
        new Step("a late answer to an older heartbeat (sent at 0.5 s) does not extend", 500, 10_000, 8_100, false, 0),
        new Step("a new acknowledgement ends the lapse", 8_050, 10_000, 8_200, true, 6_850),
        new Step("an older one answered late does not shorten it", 2_000, 10_000, 8_300, true, 6_750),
        new Step("a controller that grants no lease: no fencing", 9_000, 0, 100_000, true, Long.MAX_VALUE),
        new Step("granted again, shorter", 100_000, 2_000, 100_100, true, 1_300));
    LeaseHolder h = new LeaseHolder();
    for (Step s : steps) {
      if (s.sentMs() >= 0 && (s.lengthMs() > 0 || s.what().contains("grants no"))) {
        h.renewed(s.sentMs() * MS, new Lease(s.lengthMs()), s.atMs() * MS);
      }
      assertThat(h.mayRun(s.atMs() * MS)).as(s.what()).isEqualTo(s.mayRun());
      assertThat(h.fenceDue(s.atMs() * MS)).as(s.what()).isEqualTo(!s.mayRun());
      assertThat(h.msUntilFence(s.atMs() * MS)).as(s.what()).isEqualTo(s.msUntilFence());
    }
    assertThat(l.fenceLeadMs()).isEqualTo(3_000);
  }

  @Test
  void renewedSaysWhenALapseEnds() {
    LeaseHolder h = new LeaseHolder();
    Lease l = new Lease(2_000);
    assertThat(h.renewed(0, l, 0)).isFalse();
    assertThat(h.renewed(1_000 * MS, l, 5_000 * MS)).as("sent long ago: still lapsed").isFalse();
    assertThat(h.renewed(4_900 * MS, l, 5_000 * MS)).as("a fresh one").isTrue();
    assertThat(h.renewed(5_000 * MS, l, 5_100 * MS)).as("no lapse to end").isFalse();
  }

  /**
   * Whatever the delays, the worker's attempts are dead (its fencing has begun a grace and a slack before the end of
   * its lease) before the controller takes them for dead: the controller counts from when it heard the message, which
   * is no earlier than when the worker sent it, and waits the lease plus a margin, even with its clock running up to
   * 5% faster than the worker's.
   */
  @Property(tries = 2000)
  void workerFencesBeforeControllerFailsOver(@ForAll @LongRange(min = 500, max = 120_000) long length,
      @ForAll @LongRange(min = 0, max = 100_000) long sentMs, @ForAll @LongRange(min = 0, max = 30_000) long transitMs,
      @ForAll @LongRange(min = 0, max = 50) long fasterPerMille) {
    Lease lease = new Lease(length);
    LeaseHolder h = new LeaseHolder();
    h.renewed(sentMs * MS, lease, (sentMs + 2 * transitMs) * MS);
    long heardMs = sentMs + transitMs;
    // the controller's silence threshold, in the worker's time, when the controller's clock runs faster
    double controllerWaitsMs = lease.surelyExpiredAfterMs() * 1_000.0 / (1_000 + fasterPerMille);
    long killedByMs = h.fenceAtNanos() / MS + lease.fenceLeadMs(); // SIGKILL landed by the end of the lease
    assertThat((double) killedByMs).isLessThanOrEqualTo(heardMs + controllerWaitsMs);
    assertThat(h.fenceAtNanos() / MS).isLessThanOrEqualTo(sentMs + length - lease.fenceGraceMs());
  }
}
