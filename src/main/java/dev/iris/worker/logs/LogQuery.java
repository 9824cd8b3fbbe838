package dev.iris.worker.logs;

import com.google.re2j.Pattern;
import dev.iris.core.LogRegex;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies a {@link LogFilter} to records offered in line order, keeping at most the filter's limit in
 * memory: the first matches, or for a tail the last ones in a ring. Either way the lines kept stay within
 * {@link LogFilter#MAX_ANSWER_BYTES}, so that an answer fits a stock gRPC client's 4 MB limit; a reader
 * pages on from the last line number it got.
 */
final class LogQuery {
  /** Bytes of protobuf around each line's data, at most: line number, timestamp, tags and lengths (23). */
  static final int LINE_OVERHEAD_BYTES = 24;
  private final LogFilter filter;
  private final Pattern pattern;
  private final int limit;
  private final boolean tail;
  private final ArrayDeque<LogLine> kept = new ArrayDeque<>();
  private long keptBytes;

  LogQuery(LogFilter filter) {
    this.filter = filter;
    String regex = filter.regex();
    this.pattern = regex == null || regex.isEmpty() ? null : LogRegex.compile(regex);
    this.limit = filter.effectiveLimit();
    this.tail = filter.startLine() < 0;
  }

  /** Whether lines numbered below {@code firstLine} can be skipped without looking at them. */
  boolean skipsLinesBefore(long firstLine) {
    return !tail && filter.startLine() >= firstLine;
  }

  /**
   * Considers one encoded record.
   *
   * @return false once no later line can change the result
   */
  boolean offer(String record) {
    if (!tail && (kept.size() >= limit || keptBytes >= LogFilter.MAX_ANSWER_BYTES)) {
      return false;
    }
    long number = LogLineCodec.lineNumber(record);
    if (number < 0 || (!tail && number < filter.startLine())) {
      return true;
    }
    long timestamp = LogLineCodec.timestampMs(record);
    if (filter.startMs() > 0 && timestamp <= filter.startMs()) {
      return true;
    }
    if (filter.endMs() > 0 && timestamp > filter.endMs()) {
      return true;
    }
    LogLine line = LogLineCodec.decode(record);
    if (line == null || (pattern != null && !pattern.matcher(line.data()).find())) {
      return true;
    }
    long bytes = answerBytes(line);
    if (!tail && !kept.isEmpty() && keptBytes + bytes > LogFilter.MAX_ANSWER_BYTES) {
      return false; // the next page starts here
    }
    if (tail && kept.size() == limit) {
      keptBytes -= answerBytes(kept.removeFirst());
    }
    kept.addLast(line);
    keptBytes += bytes;
    while (tail && kept.size() > 1 && keptBytes > LogFilter.MAX_ANSWER_BYTES) {
      keptBytes -= answerBytes(kept.removeFirst()); // the newest lines that fit
    }
    return tail || kept.size() < limit;
  }

  /** What a line costs in an answer: its UTF-8 data and source, plus the fields and framing around them. */
  static long answerBytes(LogLine line) {
    return utf8Length(line.data()) + line.source().length() + LINE_OVERHEAD_BYTES;
  }

  private static long utf8Length(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3; // a surrogate pair is 4 bytes
    }
    return n;
  }

  List<LogLine> result() {
    return new ArrayList<>(kept);
  }
}
