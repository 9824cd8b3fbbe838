package dev.iris.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Values in messages stay short and on one line, whatever they hold. */
class QuoteTest {

  @ParameterizedTest(name = "[{index}] {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "w1          | 'w1'",
      "\"\"        | ''",
      "it's       | 'it's'",
      "<script>    | '<script>'",
  })
  void quotesShortValuesAsTheyAre(String value, String quoted) {
    assertThat(Quote.of(value)).isEqualTo(quoted);
  }

  @Test
  void escapesControlCharactersAndLineSeparators() {
    assertThat(Quote.of("a\nb\rc\td")).isEqualTo("'a\\nb\\rc\\td'");
    assertThat(Quote.of("nul\0 esc\u001b del\u007f")).isEqualTo("'nul\\u0000 esc\\u001b del\\u007f'");
    assertThat(Quote.of("c1\u0085 ls\u2028 ps\u2029")).isEqualTo("'c1\\u0085 ls\\u2028 ps\\u2029'");
    assertThat(Quote.of("caf\u00e9 \u6f22")).isEqualTo("'caf\u00e9 \u6f22'");
    assertThat(Quote.of(null)).isEqualTo("null");
  }

  @Test
  void cutsLongValuesToAPrefixAndSaysHowLongTheyWere() {
    assertThat(Quote.of("x".repeat(64))).isEqualTo("'" + "x".repeat(64) + "'");
    assertThat(Quote.of("x".repeat(65))).isEqualTo("'" + "x".repeat(64) + "...' (65 characters)");
    String huge = Quote.of("y".repeat(64 << 20));
    assertThat(huge).isEqualTo("'" + "y".repeat(64) + "...' (67108864 characters)").hasSizeLessThan(100);
    assertThat(Quote.of("\n".repeat(1000))).isEqualTo("'" + "\\n".repeat(64) + "...' (1000 characters)");
  }

  @Test
  void neverSplitsASurrogatePair() {
    String value = "x".repeat(63) + "\ud83d\ude00" + "tail";
    assertThat(Quote.of(value)).isEqualTo("'" + "x".repeat(63) + "...' (69 characters)");
  }

  @Test
  void findsTheFirstControlCharacter() {
    assertThat(Quote.indexOfControl("plain text, caf\u00e9")).isEqualTo(-1);
    assertThat(Quote.indexOfControl("ab\0c\n")).isEqualTo(2);
    assertThat(Quote.isControl('\u2028')).isTrue();
    assertThat(Quote.isControl(' ')).isFalse();
  }
}
