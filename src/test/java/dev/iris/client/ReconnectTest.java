package dev.iris.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The reconnect policy: capped exponential delays jittered into their upper half, and a bounded outage. */
class ReconnectTest {
  private static final Reconnect POLICY = Reconnect.DEFAULT;

  @ParameterizedTest(name = "retry {0}: {1}..{2} ms")
  @CsvSource({
      "1, 125, 250",
      "2, 250, 500",
      "3, 500, 1000",
      "4, 1000, 2000",
      "5, 2000, 4000",
      "6, 2500, 5000",
      "7, 2500, 5000",
      "1000, 2500, 5000",
  })
  void delaysDoubleUpToTheCapAndAreJitteredIntoTheirUpperHalf(int failures, long low, long high) {
    assertThat(POLICY.delayMs(failures, 0.0)).isEqualTo(low);
    assertThat(POLICY.delayMs(failures, 1.0)).isEqualTo(high);
    assertThat(POLICY.delayMs(failures, 0.5)).isBetween(low, high);
  }

  @Test
  void anOutageGivesUpOnceItHasLastedTheGiveUpTimeAndNeverSleepsPastIt() {
    Reconnect policy = POLICY.withGiveUpAfter(Duration.ofSeconds(3));
    Reconnect.Outage outage = policy.begin(10_000);
    assertThat(outage.nextDelayMs(10_000, 1.0)).hasValue(250);
    assertThat(outage.nextDelayMs(10_300, 1.0)).hasValue(500);
    assertThat(outage.nextDelayMs(12_000, 1.0)).hasValue(1000);
    assertThat(outage.nextDelayMs(12_500, 1.0)).as("at most what is left").hasValue(500);
    assertThat(outage.nextDelayMs(13_000, 1.0)).isEqualTo(OptionalLong.empty());
    assertThat(outage.length(13_000)).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void zeroGivesUpAtTheFirstFailure() {
    assertThat(POLICY.withGiveUpAfter(Duration.ZERO).begin(5).nextDelayMs(5, 0.5)).isEmpty();
  }

  @Test
  void theDefaultGivesUpAfterTenMinutes() {
    assertThat(Reconnect.DEFAULT.giveUpAfter()).isEqualTo(Duration.ofMinutes(10));
    Reconnect.Outage outage = Reconnect.DEFAULT.begin(0);
    assertThat(outage.nextDelayMs(599_999, 0)).isPresent();
    assertThat(outage.nextDelayMs(600_000, 0)).isEmpty();
  }

  @Test
  void nonsenseIsRefused() {
    assertThatThrownBy(() -> new Reconnect(Duration.ZERO, Duration.ofSeconds(1), Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Reconnect(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> POLICY.withGiveUpAfter(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void hugeDelaysDoNotOverflow() {
    Reconnect slow = new Reconnect(Duration.ofDays(1), Duration.ofDays(2), Duration.ofDays(30));
    assertThat(slow.delayMs(100, 1.0)).isEqualTo(Duration.ofDays(2).toMillis());
  }

  @ParameterizedTest(name = "{0} ms: {1}")
  @CsvSource({
      "0, 0ms",
      "850, 850ms",
      "1000, 1s",
      "4240, 4.2s",
      "59900, 59.9s",
      "90000, 1m30s",
      "600000, 10m",
      "3723000, 1h2m3s",
  })
  void durationsReadShortly(long ms, String text) {
    assertThat(Reconnect.shortly(Duration.ofMillis(ms))).isEqualTo(text);
  }
}
