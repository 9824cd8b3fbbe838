package dev.iris.cli.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HumanFormatTest {
  private static final Instant NOW = Instant.parse("2025-01-01T12:00:00Z");

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "PT0S,          0 ms",
    "PT0.85S,       850 ms",
    "PT0.9999S,     999 ms",
    "PT1S,          1 s",
    "PT2.5S,        2.5 s",
    "PT9.99S,       9.9 s",
    "PT12.7S,       12 s",
    "PT59S,         59 s",
    "PT60S,         1m",
    "PT72S,         1m 12s",
    "PT5M,          5m",
    "PT59M59S,      59m 59s",
    "PT1H,          1h",
    "PT1H30M,       1h 30m",
    "PT3H4M5S,      3h 4m",
    "PT26H,         1d 2h",
    "PT240H,        10d",
    "PT-72S,        -1m 12s",
  })
  void duration(Duration duration, String expected) {
    assertThat(HumanFormat.duration(duration)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} before now -> {1}")
  @CsvSource({
    "PT0S,      just now",
    "PT0.5S,    just now",
    "PT3S,      3 s ago",
    "PT59S,     59 s ago",
    "PT60S,     1 min ago",
    "PT4M59S,   4 min ago",
    "PT1H,      1 h ago",
    "PT47H,     47 h ago",
    "PT48H,     2 d ago",
    "PT-5S,     in 5 s",
    "PT-2H,     in 2 h",
  })
  void ago(Duration before, String expected) {
    assertThat(HumanFormat.ago(NOW.minus(before), NOW)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "0,                   0 B",
    "512,                 512 B",
    "1023,                1023 B",
    "1024,                1 KiB",
    "1536,                1.5 KiB",
    "10240,               10 KiB",
    "536870912,           512 MiB",
    "1610612736,          1.5 GiB",
    "1099511627776,       1 TiB",
    "9223372036854775807, 7.9 EiB",
  })
  void bytes(long bytes, String expected) {
    assertThat(HumanFormat.bytes(bytes)).isEqualTo(expected);
  }

  @Test
  void negativeByteCountsAreABug() {
    assertThatThrownBy(() -> HumanFormat.bytes(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
