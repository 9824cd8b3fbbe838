package dev.iris.e2e.netlab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The copies checker on synthetic marks (times in seconds, as ns), and {@link CopyWatch} on real shells: a copy
 * SIGKILLed before its stop mark ends when its process is seen gone.
 */
class CopiesTest {
  private static final long S = 1_000_000_000L;

  private final List<Mark> marks = new ArrayList<>();
  private final Map<Copy.Key, Long> vanished = new HashMap<>();

  private void copy(String task, int attempt, long pid, long startS, Long stopS) {
    marks.add(new Mark(true, startS * S, task, attempt, "w" + attempt, pid, ""));
    if (stopS != null) {
      marks.add(new Mark(false, stopS * S, task, attempt, "w" + attempt, pid, "exit"));
    }
  }

  private Copies.TaskCopies only(long nowS) {
    Map<String, Copies.TaskCopies> byTask = Copies.byTask(Copies.of(marks, vanished, nowS * S));
    assertThat(byTask).hasSize(1);
    return byTask.values().iterator().next();
  }

  @Test
  void aRetryThatStartsWhenTheOldCopyEndsIsNeverTwoCopies() {
    copy("j/task-0", 0, 10, 0, 10L);
    copy("j/task-0", 1, 11, 10, 25L);

    Copies.TaskCopies t = only(30);

    assertThat(t.runs()).isEqualTo(2);
    assertThat(t.maxAlive()).isEqualTo(1);
    assertThat(t.overlapNanos()).isZero();
  }

  @Test
  void aRetryNextToALiveCopyOverlapsItUntilTheOldOneStops() {
    copy("j/task-0", 0, 10, 0, 10L);
    copy("j/task-0", 1, 11, 4, 20L);

    Copies.TaskCopies t = only(30);

    assertThat(t.maxAlive()).isEqualTo(2);
    assertThat(t.overlapNanos()).isEqualTo(6 * S);
  }

  @Test
  void aSigkilledCopyEndsWhenItsProcessWasSeenGone() {
    copy("j/task-0", 0, 10, 0, null);
    vanished.put(new Copy.Key("j/task-0", 0, "w0", 10), 12 * S);
    copy("j/task-0", 1, 11, 5, 30L);

    Copies.TaskCopies t = only(40);

    assertThat(t.copies()).extracting(Copy::end).containsExactly(Copy.End.VANISHED, Copy.End.EXITED);
    assertThat(t.copies().get(0).endNanos()).isEqualTo(12 * S);
    assertThat(t.maxAlive()).isEqualTo(2);
    assertThat(t.overlapNanos()).isEqualTo(7 * S);
  }

  @Test
  void aCopyWithNoEndIsAliveUntilNow() {
    copy("j/task-0", 0, 10, 0, null);
    copy("j/task-0", 1, 11, 5, 8L);

    Copies.TaskCopies t = only(20);

    assertThat(t.copies().get(0).end()).isEqualTo(Copy.End.RUNNING);
    assertThat(t.copies().get(0).endNanos()).isEqualTo(20 * S);
    assertThat(t.overlapNanos()).isEqualTo(3 * S);
  }

  @Test
  void threeCopiesCountTheMostAtOnceAndEveryInstantOfTwoOrMore() {
    copy("j/task-0", 0, 10, 0, 10L);
    copy("j/task-0", 1, 11, 2, 8L);
    copy("j/task-0", 2, 12, 5, 15L);
    // alive: [0,2) 1, [2,5) 2, [5,8) 3, [8,10) 2, [10,15) 1

    Copies.TaskCopies t = only(20);

    assertThat(t.maxAlive()).isEqualTo(3);
    assertThat(t.overlapNanos()).isEqualTo(8 * S);
  }

  @Test
  void tasksAreCountedApartAndTheWorstOneIsTheFigure() {
    copy("j/task-0", 0, 10, 0, 10L);
    copy("j/task-1", 0, 20, 0, 10L);
    copy("j/task-1", 1, 21, 9, 12L);
    copy("k/task-0", 0, 30, 3, 4L);

    Map<String, Copies.TaskCopies> byTask = Copies.byTask(Copies.of(marks, vanished, 20 * S));

    assertThat(byTask.keySet()).containsExactly("j/task-0", "j/task-1", "k/task-0");
    assertThat(byTask.get("j/task-0").maxAlive()).isEqualTo(1);
    assertThat(byTask.get("j/task-1").runs()).isEqualTo(2);
    assertThat(Copies.maxAlive(byTask)).isEqualTo(2);
    assertThat(Copies.longestOverlapNanos(byTask)).isEqualTo(S);
  }

  @Test
  void duplicateMarksCountOnceAndAStopWithoutAStartIsIgnored() {
    copy("j/task-0", 0, 10, 0, 10L);
    marks.add(marks.get(0));
    marks.add(new Mark(false, 5 * S, "j/task-0", 7, "w7", 99, "exit"));

    Copies.TaskCopies t = only(20);

    assertThat(t.runs()).isEqualTo(1);
    assertThat(t.maxAlive()).isEqualTo(1);
  }

  @Test
  void marksParseFromTheirLinesAndNothingElseDoes() {
    Mark stop = new Mark(false, 1_700_000_000_123_456_789L, "job-a/task-3", 2, "w2", 4242, "term");

    assertThat(Mark.parse(stop.line())).contains(stop);
    assertThat(stop.line()).isEqualTo("stop 1700000000123456789 job-a/task-3 2 w2 4242 term");
    assertThat(Mark.parse("start 1 j/task-0 0 w1 77")).hasValueSatisfying(m -> assertThat(m.start()).isTrue());
    assertThat(Mark.parse("start 1 j/task-0")).isEmpty();
    assertThat(Mark.parse("begin 1 j/task-0 0 w1 77")).isEmpty();
    assertThat(Mark.parse("start x j/task-0 0 w1 77")).isEmpty();
    assertThat(Mark.parse("")).isEmpty();
  }

  @Test
  void theWatchSeesAStopMarkATermTrapAndASigkilledShell(@TempDir Path dir) throws Exception {
    List<ProcessHandle> leftovers = new ArrayList<>();
    try (CopyWatch watch = CopyWatch.start(dir.resolve("marks"))) {
      Process exits = task(watch, "t/task-0", "true");
      Process termed = task(watch, "t/task-1", "sleep 60");
      Process killed = task(watch, "t/task-2", "sleep 60");
      awaitStarts(watch, 3);
      // signalled alone, the shells leave their sleeps behind: stop those at the end
      leftovers.addAll(termed.descendants().toList());
      leftovers.addAll(killed.descendants().toList());

      termed.destroy(); // SIGTERM: the trap writes a stop mark
      killed.destroyForcibly(); // SIGKILL: no stop mark
      long killedAt = CopyWatch.epochNanos();
      assertThat(exits.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(termed.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(killed.waitFor(10, TimeUnit.SECONDS)).isTrue();
      dev.iris.worker.Poll.until(Duration.ofSeconds(10), "every copy to end",
          () -> watch.copies().stream().noneMatch(c -> c.end() == Copy.End.RUNNING));

      Map<String, Copies.TaskCopies> byTask = watch.byTask();
      assertThat(byTask.get("t/task-0").copies().get(0).end()).isEqualTo(Copy.End.EXITED);
      assertThat(byTask.get("t/task-1").copies().get(0).end()).isEqualTo(Copy.End.TERMINATED);
      Copy vanished = byTask.get("t/task-2").copies().get(0);
      assertThat(vanished.end()).isEqualTo(Copy.End.VANISHED);
      assertThat(vanished.endNanos() - killedAt).as("seen gone soon after the kill").isLessThan(2 * S);
      assertThat(vanished.key().pid()).isEqualTo(killed.pid());
    } finally {
      leftovers.forEach(ProcessHandle::destroyForcibly);
    }
  }

  private static Process task(CopyWatch watch, String taskId, String work) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(TaskScript.command(watch.file(), work)).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("IRIS_TASK_ID", taskId);
    pb.environment().put("IRIS_ATTEMPT_ID", "0");
    pb.environment().put("IRIS_WORKER_ID", "here");
    return pb.start();
  }

  private static void awaitStarts(CopyWatch watch, int n) {
    dev.iris.worker.Poll.until(Duration.ofSeconds(10), n + " start marks",
        () -> watch.marks().stream().filter(Mark::start).count() == n);
  }
}
