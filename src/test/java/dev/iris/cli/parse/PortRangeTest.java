package dev.iris.cli.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PortRangeTest {

  @ParameterizedTest(name = "{0} -> {1}-{2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "30000-34999     | 30000 | 34999",
        "1-65535         | 1     | 65535",
        "' 5000 - 5000 ' | 5000  | 5000",
      })
  void parsesRanges(String text, int from, int to) {
    assertThat(PortRange.parse(text)).isEqualTo(new PortRange(from, to));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "30000          | '30000' is not FROM-TO (example: 30000-34999)",
        "a-b            | 'a-b' is not FROM-TO with ports 1..65535",
        "-5             | '-5' is not FROM-TO with ports 1..65535",
        "0-10           | '0-10' has port 0; a port must be 1..65535",
        "1-70000        | '1-70000' has port 70000; a port must be 1..65535",
        "40000-30000    | '40000-30000' starts above its end",
      })
  void rejectsWhatIsNotARange(String text, String message) {
    assertThatThrownBy(() -> PortRange.parse(text)).isInstanceOf(InvalidValueException.class)
        .hasMessageContaining(message);
  }
}
