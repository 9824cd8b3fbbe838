package dev.iris.worker.logs;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Applies a {@link LogFilter} to records offered in line order, keeping at most the filter's limit in
 * memory: the first matches, or for a tail the last ones in a ring.
 */
final class LogQuery {
  private final LogFilter filter;
  private final Pattern pattern;
  private final int limit;
  private final boolean tail;
  private final ArrayDeque<LogLine> kept = new ArrayDeque<>();

  LogQuery(LogFilter filter) {
    this.filter = filter;
    String regex = filter.regex();
    this.pattern = regex == null || regex.isEmpty() ? null : Pattern.compile(regex);
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
    if (!tail && kept.size() >= limit) {
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
    if (tail && kept.size() == limit) {
      kept.removeFirst();
    }
    kept.addLast(line);
    return tail || kept.size() < limit;
  }

  List<LogLine> result() {
    return new ArrayList<>(kept);
  }
}
