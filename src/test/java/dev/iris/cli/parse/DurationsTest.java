package dev.iris.cli.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationsTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "30s,       PT30S",
    "5m,        PT5M",
    "1h30m,     PT1H30M",
    "1h 30m,    PT1H30M",
    "250ms,     PT0.25S",
    "90,        PT1M30S",
    "0,         PT0S",
    "0.5,       PT0.5S",
    "1.5h,      PT1H30M",
    "2d,        PT48H",
    "1d2h3m4s5ms, PT26H3M4.005S",
    "30S,       PT30S",
    "1H30M,     PT1H30M",
    "PT45S,     PT45S",
    "pt1m,      PT1M",
    "' 10s ',   PT10S",
  })
  void parsesDurations(String text, String iso) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.parse(iso));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "-5s     | '-5s' is negative",
        "-1      | '-1' is negative",
        "abc     | 'abc' is not a duration",
        "5x      | '5x' is not a duration",
        "s       | 's' is not a duration",
        "1h1h    | '1h1h' repeats a unit",
        "30m1h   | '30m1h' repeats a unit or puts a smaller one first",
        "1.2.3s  | '1.2.3s' is not a duration",
        "PTxyz   | 'PTxyz' is not a duration",
        "''      | an empty duration",
      })
  void rejectsMalformedDurations(String text, String message) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageContaining(message);
  }
}
