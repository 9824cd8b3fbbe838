package dev.iris.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LogRegexTest {
  @Test
  void anRe2ExpressionCompilesAndFinds() {
    assertThat(LogRegex.compile("err(or)?\\s+\\d+").matcher("an error 42 here").find()).isTrue();
  }

  @Test
  void tooLongIsRefusedWithoutEchoingIt() {
    String huge = "a".repeat(64 * 1024);
    assertThatThrownBy(() -> LogRegex.compile(huge)).isInstanceOf(ValidationException.class)
        .hasMessage("regex is 65536 characters long; at most 1000 are accepted");
  }

  @Test
  void invalidIsRefusedQuotingAShortPrefix() {
    String bad = "(" + "x".repeat(500);
    assertThatThrownBy(() -> LogRegex.compile(bad)).isInstanceOf(ValidationException.class)
        .hasMessageStartingWith("regex '(xxxxxxxx").hasMessageContaining("...' (501 characters) is not valid: ")
        .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(150));
  }

  @Test
  void backreferencesAreNotRe2() {
    assertThatThrownBy(() -> LogRegex.compile("(a)\\1")).isInstanceOf(ValidationException.class);
  }
}
