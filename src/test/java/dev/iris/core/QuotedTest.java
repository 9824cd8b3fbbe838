package dev.iris.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QuotedTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "job-1          | 'job-1'",
      "''             | ''''",
      "\"a\tb\"       | 'a\\x09b'",
  })
  void shortValuesAreQuotedWhole(String value, String quoted) {
    assertThat(Quoted.of(value == null ? "" : value)).isEqualTo(quoted);
  }

  @org.junit.jupiter.api.Test
  void longValuesAreCutWithTheirLength() {
    String mb = "y".repeat(1 << 20);
    assertThat(Quoted.of(mb)).isEqualTo("'" + "y".repeat(Quoted.MAX_CHARS) + "...' (1048576 characters)");
  }

  @org.junit.jupiter.api.Test
  void controlCharactersAreEscaped() {
    assertThat(Quoted.of("a\u0000b\nc")).isEqualTo("'a\\x00b\\x0ac'");
  }
}
