package dev.iris.worker.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.LongRange;

class LogLineCodecTest {

  @Property
  void everyLineDecodesToWhatWasEncoded(
      @ForAll @LongRange(min = 0) long number,
      @ForAll @LongRange(min = 0) long timestamp,
      @ForAll @Chars({'\t', '\n', '\r', '\\', 't', 'n'}) @CharRange(from = ' ', to = '~') String source,
      @ForAll @Chars({'\t', '\n', '\r', '\\', 't', 'n', 'é', '€'}) @CharRange(from = ' ', to = '~') String data) {
    LogLine line = new LogLine(number, timestamp, source, data);
    String record = new String(LogLineCodec.encode(line, new StringBuilder()), StandardCharsets.UTF_8);
    assertThat(record).endsWith("\n");
    assertThat(record.substring(0, record.length() - 1)).doesNotContain("\n", "\r");
    assertThat(LogLineCodec.decode(record.substring(0, record.length() - 1))).isEqualTo(line);
  }
}
