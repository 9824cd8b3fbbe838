package dev.iris.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Sha256Test {

  @ParameterizedTest(name = "''{0}''")
  @CsvSource({
    "'',  e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "abc, ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  })
  void digestsAreLowercaseHex(String text, String digest) {
    String hex = Sha256.hex(text.getBytes(StandardCharsets.UTF_8));
    assertThat(hex).isEqualTo(digest);
    assertThat(Sha256.isHex(hex)).isTrue();
  }

  @ParameterizedTest(name = "''{0}''")
  @ValueSource(strings = {"", "abc", "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD",
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad0",
      "ga7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"})
  void onlySixtyFourLowercaseHexDigitsAreADigest(String text) {
    assertThat(Sha256.isHex(text)).isFalse();
  }
}
