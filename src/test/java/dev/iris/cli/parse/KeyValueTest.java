package dev.iris.cli.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KeyValueTest {

  @ParameterizedTest(name = "{0} -> {1} = {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "MODE=fast        | MODE    | fast",
        "EMPTY=           | EMPTY   | ''",
        "URL=a=b&c=d      | URL     | a=b&c=d",
        "k= spaced value  | k       | ' spaced value'",
        "zone.name=a      | zone.name | a",
      })
  void splitsAtTheFirstEquals(String text, String key, String value) {
    assertThat(KeyValue.parse(text)).isEqualTo(new KeyValue(key, value));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "MODE      | 'MODE' is not KEY=VALUE",
        "=fast     | '=fast' has an empty key",
        "'A B=c'   | 'A B=c' has whitespace in its key 'A B'",
        "''        | '' is not KEY=VALUE",
      })
  void rejectsMalformedPairs(String text, String message) {
    assertThatThrownBy(() -> KeyValue.parse(text))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageContaining(message);
  }
}
