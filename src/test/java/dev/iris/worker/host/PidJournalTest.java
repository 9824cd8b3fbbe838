package dev.iris.worker.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PidJournalTest {
  private static final Instant T0 = Instant.parse("2026-01-02T03:04:05.060Z");

  @TempDir Path dir;

  @Test
  void replayGivesTheRecordsNotForgotten() throws Exception {
    Path file = dir.resolve("pids/journal");
    try (PidJournal journal = new PidJournal(file)) {
      journal.record("a.attempt-0", 100, T0);
      journal.record("b.attempt-0", 200, T0.plusSeconds(1));
      journal.forget("a.attempt-0");
      journal.forget("never-recorded");
      assertThat(replay(file)).containsExactly(Map.entry("b.attempt-0", new PidJournal.Entry(200, T0.plusSeconds(1))));
    }
  }

  @Test
  void aTornOrGarbledLineIsSkippedAndTheOlderFormatIsRead() throws Exception {
    Path journal = dir.resolve("journal");
    Files.writeString(journal, "+ a.attempt-0 100 " + T0 + "\nnot a record at all\n+ b.attempt-0 2");
    int[] skipped = {0};
    assertThat(PidJournal.replay(journal, skipped)).containsOnlyKeys("a.attempt-0");
    assertThat(skipped[0]).isEqualTo(2);

    Path old = dir.resolve("t.attempt-1.pid");
    Files.writeString(old, "300 " + T0 + "\n");
    assertThat(replay(old)).containsExactly(Map.entry("t.attempt-1.pid", new PidJournal.Entry(300, T0)));
  }

  @Test
  void theFileIsRewrittenWhenMostOfItIsObsolete() throws Exception {
    Path file = dir.resolve("journal");
    try (PidJournal journal = new PidJournal(file)) {
      journal.record("kept.attempt-0", 1, T0);
      for (int i = 0; i < 20_000; i++) {
        journal.record("t" + i + ".attempt-0", 1000 + i, T0);
        journal.forget("t" + i + ".attempt-0");
      }
      journal.record("late.attempt-0", 2, T0);
      assertThat(Files.readAllLines(file)).hasSizeLessThan(8_200);
      assertThat(replay(file)).containsOnlyKeys("kept.attempt-0", "late.attempt-0");
      assertThat(dir.resolve("journal.tmp")).doesNotExist();
    }
  }

  private static Map<String, PidJournal.Entry> replay(Path file) throws Exception {
    int[] skipped = {0};
    Map<String, PidJournal.Entry> live = PidJournal.replay(file, skipped);
    assertThat(skipped[0]).isZero();
    return live;
  }
}
