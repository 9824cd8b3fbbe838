package dev.iris.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TextRulesTest {

  @Test
  void acceptsBoundedTextWithoutControlCharacters() {
    assertThat(TextRules.text("hostname", "", 10)).isEmpty();
    assertThat(TextRules.text("hostname", "node-1.example", 14)).isEqualTo("node-1.example");
    assertThat(TextRules.text("hostname", "caf\u00e9 <b>", 10)).isEqualTo("caf\u00e9 <b>");
  }

  @Test
  void refusesLongTextAndControlCharactersQuotingAPrefix() {
    assertThatThrownBy(() -> TextRules.text("hostname", "h".repeat(300), 253)).isInstanceOf(ValidationException.class)
        .hasMessage("hostname '" + "h".repeat(64) + "...' (300 characters) is longer than 253 characters");
    assertThatThrownBy(() -> TextRules.text("hostname", "evil\nINFO forged log line", 253))
        .hasMessage("hostname 'evil\\x0aINFO forged log line' contains a control character");
    assertThatThrownBy(() -> TextRules.text("ip_address", "10.0.0.1\0", 253))
        .hasMessage("ip_address '10.0.0.1\\x00' contains a control character");
  }

  @Test
  void acceptsBoundedMaps() {
    Map<String, String> attributes = Map.of("zone", "a", "tpu-slice", "s1", "empty", "");
    assertThat(TextRules.map("attributes", attributes, 3, 9, 2)).isEqualTo(attributes);
    assertThat(TextRules.map("attributes", Map.of(), 0, 1, 1)).isEmpty();
  }

  @Test
  void refusesMapsWithTooManyEntriesOrBadKeysOrValues() {
    Map<String, String> many = new HashMap<>();
    for (int i = 0; i < 100_000; i++) {
      many.put("k" + i, "v");
    }
    assertThatThrownBy(() -> TextRules.map("attributes", many, 256, 128, 1024)).isInstanceOf(ValidationException.class)
        .hasMessage("attributes hold 100000 entries; at most 256");
    assertThatThrownBy(() -> TextRules.map("metadata", Map.of("", "v"), 256, 128, 1024))
        .hasMessage("metadata have an empty key");
    assertThatThrownBy(() -> TextRules.map("attributes", Map.of("k".repeat(129), "v"), 256, 128, 1024))
        .hasMessage("key in attributes is 129 characters long; at most 128");
    assertThatThrownBy(() -> TextRules.map("attributes", Map.of("zo\tne", "a"), 256, 128, 1024))
        .hasMessage("key in attributes contains a control character: 'zo\\x09ne'");
    assertThatThrownBy(() -> TextRules.map("attributes", Map.of("zone", "v".repeat(1025)), 256, 128, 1024))
        .hasMessage("value of 'zone' in attributes is 1025 characters long; at most 1024");
    assertThatThrownBy(() -> TextRules.map("metadata", Map.of("role", "lead\r\n"), 256, 128, 1024))
        .hasMessage("value of 'role' in metadata contains a control character: 'lead\\x0d\\x0a'");
  }
}
