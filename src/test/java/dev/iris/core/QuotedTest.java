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

  @org.junit.jupiter.api.Test
  void c1ControlsAndLineSeparatorsAreEscapedToo() {
    assertThat(Quoted.of("c1\u0085 ls\u2028 ps\u2029 del\u007f")).isEqualTo("'c1\\x85 ls\\u2028 ps\\u2029 del\\x7f'");
    assertThat(Quoted.of("caf\u00e9 \u6f22 <b>")).isEqualTo("'caf\u00e9 \u6f22 <b>'");
    assertThat(Quoted.isControl('\u2028')).isTrue();
    assertThat(Quoted.isControl(' ')).isFalse();
  }

  @org.junit.jupiter.api.Test
  void aSurrogatePairIsNeverSplit() {
    String value = "x".repeat(Quoted.MAX_CHARS - 1) + "\ud83d\ude00" + "tail";
    assertThat(Quoted.of(value)).isEqualTo("'" + "x".repeat(Quoted.MAX_CHARS - 1) + "...' (69 characters)");
  }
}
