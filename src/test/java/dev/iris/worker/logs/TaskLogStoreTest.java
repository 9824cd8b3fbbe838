package dev.iris.worker.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iris.worker.MutableClock;
import dev.iris.worker.attempt.AttemptKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskLogStoreTest {
  private static final AttemptKey KEY = new AttemptKey("job-1/task-0", 0);

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(1_000);
  private TaskLogStore store;

  private TaskLogStore store() {
    store = new TaskLogStore(dir, clock);
    return store;
  }

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  /** Appends lines "line-0".."line-(n-1)" one millisecond apart, starting at time 1001. */
  private void appendNumbered(TaskLogStore logs, int n) {
    for (int i = 0; i < n; i++) {
      clock.advance(1);
      logs.append(KEY, i % 2 == 0 ? "stdout" : "stderr", "line-" + i);
    }
  }

  private static List<Long> numbers(List<LogLine> lines) {
    return lines.stream().map(LogLine::lineNumber).collect(Collectors.toList());
  }

  private static List<Long> range(long fromInclusive, long toExclusive) {
    return LongStream.range(fromInclusive, toExclusive).boxed().collect(Collectors.toList());
  }

  @Test
  void linesAreReadBackInOrderWithNumbersTimesAndSources() {
    TaskLogStore logs = store();
    appendNumbered(logs, 3);
    assertThat(logs.read(KEY, LogFilter.ALL)).containsExactly(
        new LogLine(0, 1001, "stdout", "line-0"),
        new LogLine(1, 1002, "stderr", "line-1"),
        new LogLine(2, 1003, "stdout", "line-2"));
  }

  @Test
  void dataWithSeparatorsAndUnicodeSurvivesStorage() {
    TaskLogStore logs = store();
    String awkward = "tab\there\\back\\slash\nnew line\rcr \\t literal ünïcødé 🚀";
    logs.append(KEY, "stdout", awkward);
    logs.append(KEY, "stdout", "");
    assertThat(logs.read(KEY, LogFilter.ALL)).extracting(LogLine::data).containsExactly(awkward, "");
  }

  @Test
  void anAttemptWithoutLogReadsEmpty() {
    assertThat(store().read(new AttemptKey("other", 3), LogFilter.ALL)).isEmpty();
  }

  @Test
  void regexKeepsMatchingLines() {
    TaskLogStore logs = store();
    appendNumbered(logs, 30);
    assertThat(logs.read(KEY, new LogFilter("line-2\\d", 0, 0, 0, 0)))
        .extracting(LogLine::data).containsExactly(
            "line-20", "line-21", "line-22", "line-23", "line-24",
            "line-25", "line-26", "line-27", "line-28", "line-29");
    assertThat(logs.read(KEY, new LogFilter("", 0, 0, 0, 0))).hasSize(30);
  }

  @Test
  void anInvalidRegexIsRejectedWithAClearMessage() {
    assertThatThrownBy(() -> new LogFilter("line-(", 0, 0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("log filter: regex 'line-(' is not valid: missing closing )");
  }

  @Test
  void positiveStartLineSkipsEarlierLines() {
    TaskLogStore logs = store();
    appendNumbered(logs, 10);
    assertThat(numbers(logs.read(KEY, LogFilter.fromLine(7)))).isEqualTo(range(7, 10));
    assertThat(logs.read(KEY, LogFilter.fromLine(10))).isEmpty();
  }

  @Test
  void negativeStartLineReturnsTheLastLines() {
    TaskLogStore logs = store();
    appendNumbered(logs, 10);
    assertThat(numbers(logs.read(KEY, LogFilter.tail(3)))).isEqualTo(range(7, 10));
    assertThat(numbers(logs.read(KEY, LogFilter.tail(50)))).isEqualTo(range(0, 10));
    assertThat(numbers(logs.read(KEY, new LogFilter("line-[0-4]$", -2, 0, 0, 0)))).containsExactly(3L, 4L);
  }

  @Test
  void startMsIsExclusiveAndEndMsInclusive() {
    TaskLogStore logs = store();
    appendNumbered(logs, 10); // line i at time 1001 + i
    assertThat(numbers(logs.read(KEY, new LogFilter(null, 0, 1003, 0, 0)))).isEqualTo(range(3, 10));
    assertThat(numbers(logs.read(KEY, new LogFilter(null, 0, 0, 1003, 0)))).isEqualTo(range(0, 3));
    assertThat(numbers(logs.read(KEY, new LogFilter(null, 0, 1003, 1006, 0)))).isEqualTo(range(3, 6));
  }

  @Test
  void maxLinesKeepsTheOldestButForATailTheNewest() {
    TaskLogStore logs = store();
    appendNumbered(logs, 10);
    assertThat(numbers(logs.read(KEY, new LogFilter(null, 2, 0, 0, 3)))).isEqualTo(range(2, 5));
    assertThat(numbers(logs.read(KEY, new LogFilter(null, -6, 0, 0, 2)))).isEqualTo(range(8, 10));
  }

  @Test
  void negativeLimitsAreRejected() {
    assertThatThrownBy(() -> new LogFilter(null, 0, -1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LogFilter(null, 0, 0, 0, -1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aReadReturnsAtMostTheCap() {
    TaskLogStore logs = new TaskLogStore(dir, clock);
    store = logs;
    for (int i = 0; i < LogFilter.MAX_LINES + 10; i++) {
      logs.append(KEY, "stdout", "x");
    }
    assertThat(logs.read(KEY, LogFilter.ALL)).hasSize(LogFilter.MAX_LINES);
    assertThat(logs.read(KEY, new LogFilter(null, Long.MIN_VALUE, 0, 0, 0)).get(0).lineNumber()).isEqualTo(10);
  }

  @Test
  void aChattyTaskStaysWithinTheBudgetAndLosesOnlyItsOldestLines() throws Exception {
    long budget = 1024 * 1024;
    TaskLogStore logs = new TaskLogStore(dir, clock, budget);
    store = logs;
    String payload = "x".repeat(1000);
    int lines = 52_000; // about 50 MB
    for (int i = 0; i < lines; i++) {
      logs.append(KEY, "stdout", i + " " + payload);
      if (i % 5000 == 0) {
        assertThat(diskBytes(logs.directory(KEY))).isLessThanOrEqualTo(budget);
      }
    }
    assertThat(diskBytes(logs.directory(KEY))).isLessThanOrEqualTo(budget);

    List<LogLine> kept = logs.read(KEY, LogFilter.ALL);
    long first = kept.get(0).lineNumber();
    assertThat(first).isGreaterThan(lines - 1100L);
    assertThat(numbers(kept)).isEqualTo(range(first, lines));
    assertThat(kept.get(kept.size() - 1).data()).isEqualTo((lines - 1) + " " + payload);
    assertThat(numbers(logs.read(KEY, LogFilter.fromLine(0)))).startsWith(first);
  }

  @Test
  void concurrentReadsSeeAContiguousPrefixOfTheLines() throws Exception {
    TaskLogStore logs = new TaskLogStore(dir, clock, 64 * 1024);
    store = logs;
    int lines = 50_000;
    Thread writer = new Thread(() -> {
      for (int i = 0; i < lines; i++) {
        logs.append(KEY, "stdout", "line " + i);
      }
    });
    writer.start();
    long lastSeen = -1;
    while (writer.isAlive() || lastSeen < lines - 1) {
      List<LogLine> tail = logs.read(KEY, LogFilter.tail(100));
      if (!tail.isEmpty()) {
        long first = tail.get(0).lineNumber();
        assertThat(numbers(tail)).isEqualTo(range(first, first + tail.size()));
        assertThat(tail.get(tail.size() - 1).lineNumber()).isGreaterThanOrEqualTo(lastSeen);
        lastSeen = tail.get(tail.size() - 1).lineNumber();
      }
    }
    writer.join();
    assertThat(lastSeen).isEqualTo(lines - 1);
  }

  @Test
  void aReopenedLogContinuesItsLineNumbers() {
    TaskLogStore first = new TaskLogStore(dir, clock);
    appendNumbered(first, 3);
    first.close();
    TaskLogStore second = store();
    assertThat(numbers(second.read(KEY, LogFilter.ALL))).isEqualTo(range(0, 3));
    second.append(KEY, "stdout", "after restart");
    assertThat(second.read(KEY, LogFilter.tail(1)).get(0).lineNumber()).isEqualTo(3);
  }

  @Test
  void appendingAfterFinishReopensTheFile() {
    TaskLogStore logs = store();
    appendNumbered(logs, 2);
    logs.finish(KEY);
    logs.append(KEY, "stdout", "late");
    assertThat(logs.read(KEY, LogFilter.ALL)).extracting(LogLine::data).containsExactly("line-0", "line-1", "late");
  }

  @Test
  void deleteRemovesTheFiles() {
    TaskLogStore logs = store();
    appendNumbered(logs, 2);
    AttemptKey sibling = new AttemptKey(KEY.taskId(), 1);
    logs.append(sibling, "stdout", "other attempt");
    logs.delete(KEY);
    assertThat(logs.directory(KEY)).doesNotExist();
    assertThat(logs.read(KEY, LogFilter.ALL)).isEmpty();
    assertThat(logs.read(sibling, LogFilter.ALL)).hasSize(1);
    logs.delete(sibling);
    assertThat(logs.directory(sibling).getParent()).doesNotExist();
  }

  private static long diskBytes(Path attemptDir) throws Exception {
    try (var files = Files.list(attemptDir)) {
      long total = 0;
      for (Path file : files.toList()) {
        total += Files.size(file);
      }
      return total;
    }
  }

  @Test
  void aLongLogIsReadInPagesThatEachFitAnAnswer() {
    TaskLogStore logs = store();
    String kib = "x".repeat(1024);
    int n = 5_000; // about 5 MiB of lines
    for (int i = 0; i < n; i++) {
      logs.append(KEY, "stdout", i + " " + kib);
    }
    long next = 0;
    int pages = 0;
    List<Long> all = new java.util.ArrayList<>();
    while (true) {
      List<LogLine> page = logs.read(KEY, LogFilter.fromLine(next));
      if (page.isEmpty()) {
        break;
      }
      pages++;
      assertThat(page.stream().mapToLong(LogQuery::answerBytes).sum()).isLessThanOrEqualTo(LogFilter.MAX_ANSWER_BYTES);
      all.addAll(numbers(page));
      next = page.get(page.size() - 1).lineNumber() + 1;
    }
    assertThat(pages).isEqualTo(2);
    assertThat(all).isEqualTo(range(0, n));
    List<LogLine> tail = logs.read(KEY, LogFilter.tail(n));
    assertThat(tail.stream().mapToLong(LogQuery::answerBytes).sum()).isLessThanOrEqualTo(LogFilter.MAX_ANSWER_BYTES);
    assertThat(tail.get(tail.size() - 1).lineNumber()).as("a tail keeps the newest lines that fit").isEqualTo(n - 1);
  }

  @Test
  void aPathologicalRegexRunsInLinearTime() {
    TaskLogStore logs = store();
    logs.append(KEY, "stdout", "a".repeat(5_000) + "!");
    // (a+)+$ backtracks exponentially in java.util.regex; RE2 answers at once
    assertThat(logs.read(KEY, new LogFilter("(a+)+$", 0, 0, 0, 0))).isEmpty();
  }
}
