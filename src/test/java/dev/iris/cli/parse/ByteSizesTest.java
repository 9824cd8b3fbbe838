package dev.iris.cli.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ByteSizesTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "0,            0",
    "4096,         4096",
    "100k,         102400",
    "100K,         102400",
    "100KB,        102400",
    "100kib,       102400",
    "512M,         536870912",
    "512mb,        536870912",
    "2G,           2147483648",
    "2g,           2147483648",
    "1.5GiB,       1610612736",
    "1.5 GiB,      1610612736",
    "' 2G ',       2147483648",
    "1T,           1099511627776",
    "0.5k,         512",
    "1.1k,         1126",
    "7B,           7",
    "8388607T,     9223370937343148032",
    "9223372036854775807, 9223372036854775807",
  })
  void parsesSizes(String text, long bytes) {
    assertThat(ByteSizes.parseBytes(text)).isEqualTo(bytes);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "2Q           | '2Q' has an unknown unit 'q'",
        "-1G          | '-1G' is negative",
        "abc          | 'abc' is not a size",
        "G            | 'G' is not a size",
        "1.2.3G       | '1.2.3G' is not a size",
        "1,5G         | '1,5G' is not a size",
        "2 G B        | '2 G B' is not a size",
        "1.5          | '1.5' is a fraction of a byte",
        "8388608T     | '8388608T' is too large",
        "9223372036854775808 | '9223372036854775808' is too large",
        "99999999999999999999999999G | is too large",
        "''           | an empty size",
      })
  void rejectsMalformedSizes(String text, String message) {
    assertThatThrownBy(() -> ByteSizes.parseBytes(text))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageContaining(message);
  }
}
