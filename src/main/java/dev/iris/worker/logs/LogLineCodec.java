package dev.iris.worker.logs;

import java.nio.charset.StandardCharsets;

/**
 * The on-disk form of a log line: {@code lineNumber TAB timestampMs TAB source TAB data LF}, where
 * source and data escape backslash, tab, newline and carriage return as {@code \\ \t \n \r}. One
 * record per text line, so a torn last line after a crash is simply skipped when read.
 */
final class LogLineCodec {
  private LogLineCodec() {}

  /** Encodes one record, terminator included, reusing {@code scratch}. */
  static byte[] encode(LogLine line, StringBuilder scratch) {
    scratch.setLength(0);
    scratch.append(line.lineNumber()).append('\t').append(line.timestampMs()).append('\t');
    escape(line.source(), scratch);
    scratch.append('\t');
    escape(line.data(), scratch);
    scratch.append('\n');
    return scratch.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Line number of a record, or -1 when the text is not a record. Cheaper than a full decode. */
  static long lineNumber(String record) {
    int tab = record.indexOf('\t');
    return tab <= 0 ? -1 : parseOrMinusOne(record.substring(0, tab));
  }

  /** Timestamp of a record (only valid for a record whose line number parsed), or -1. */
  static long timestampMs(String record) {
    int first = record.indexOf('\t');
    int second = record.indexOf('\t', first + 1);
    return second < 0 ? -1 : parseOrMinusOne(record.substring(first + 1, second));
  }

  /** Decodes a record without its terminator; null when it is malformed (a torn write). */
  static LogLine decode(String record) {
    int first = record.indexOf('\t');
    int second = first < 0 ? -1 : record.indexOf('\t', first + 1);
    int third = second < 0 ? -1 : record.indexOf('\t', second + 1);
    if (third < 0) {
      return null;
    }
    long number = parseOrMinusOne(record.substring(0, first));
    long timestamp = parseOrMinusOne(record.substring(first + 1, second));
    if (number < 0 || timestamp < 0) {
      return null;
    }
    return new LogLine(
        number, timestamp, unescape(record.substring(second + 1, third)), unescape(record.substring(third + 1)));
  }

  static void escape(String text, StringBuilder out) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        default -> out.append(c);
      }
    }
  }

  static String unescape(String text) {
    if (text.indexOf('\\') < 0) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != '\\' || i + 1 == text.length()) {
        out.append(c);
        continue;
      }
      char next = text.charAt(++i);
      switch (next) {
        case 't' -> out.append('\t');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        default -> out.append(next);
      }
    }
    return out.toString();
  }

  private static long parseOrMinusOne(String digits) {
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      return -1; // malformed record: the caller skips it
    }
  }
}
