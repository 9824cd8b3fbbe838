package dev.iris.core;

import static dev.iris.core.TaskState.ASSIGNED;
import static dev.iris.core.TaskState.BUILDING;
import static dev.iris.core.TaskState.FAILED;
import static dev.iris.core.TaskState.KILLED;
import static dev.iris.core.TaskState.PENDING;
import static dev.iris.core.TaskState.RUNNING;
import static dev.iris.core.TaskState.SUCCEEDED;
import static dev.iris.core.TaskState.UNSCHEDULABLE;
import static dev.iris.core.TaskState.WORKER_FAILED;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link JobRollup#derive} over count vectors: each of the 7 rules and their first-match precedence. */
class JobRollupTest {

  /** One row: the job's current state, max_task_failures, the task counts, the expected state. */
  private static Arguments row(String rule, JobState current, int maxTaskFailures, Map<TaskState, Integer> counts,
      JobState expected) {
    return Arguments.of(rule, current, maxTaskFailures, counts, expected);
  }

  private static Map<TaskState, Integer> n(Object... stateCountPairs) {
    Map<TaskState, Integer> m = new EnumMap<>(TaskState.class);
    for (int i = 0; i < stateCountPairs.length; i += 2) {
      m.put((TaskState) stateCountPairs[i], (Integer) stateCountPairs[i + 1]);
    }
    return m;
  }

  static Stream<Arguments> table() {
    JobState p = JobState.PENDING;
    JobState r = JobState.RUNNING;
    return Stream.of(
        // (1) all SUCCEEDED
        row("1 all succeeded", r, 0, n(SUCCEEDED, 3), JobState.SUCCEEDED),
        row("1 single task succeeded from pending", p, 0, n(SUCCEEDED, 1), JobState.SUCCEEDED),
        row("1 beats 5 when max_task_failures is high", r, 5, n(SUCCEEDED, 2), JobState.SUCCEEDED),
        // (2) more FAILED than max_task_failures
        row("2 one failure, none tolerated", r, 0, n(FAILED, 1, RUNNING, 2), JobState.FAILED),
        row("2 failure while others pending", p, 0, n(FAILED, 1, PENDING, 2), JobState.FAILED),
        row("2 one tolerated failure keeps running", r, 1, n(FAILED, 1, RUNNING, 2), JobState.RUNNING),
        row("2 two failures exceed one tolerated", r, 1, n(FAILED, 2, RUNNING, 1), JobState.FAILED),
        row("2 beats 3: FAILED over UNSCHEDULABLE", r, 0, n(FAILED, 1, UNSCHEDULABLE, 1, RUNNING, 1),
            JobState.FAILED),
        row("2 beats 4: FAILED over KILLED", r, 0, n(FAILED, 1, KILLED, 2), JobState.FAILED),
        row("2 beats 5: FAILED over all-finished WORKER_FAILED", r, 0, n(FAILED, 1, WORKER_FAILED, 1),
            JobState.FAILED),
        row("2 all failed", r, 2, n(FAILED, 3), JobState.FAILED),
        row("2 preemptions never count", r, 0, n(WORKER_FAILED, 5, RUNNING, 1), JobState.RUNNING),
        // (3) any UNSCHEDULABLE
        row("3 unschedulable", r, 0, n(UNSCHEDULABLE, 1, RUNNING, 2), JobState.UNSCHEDULABLE),
        row("3 unschedulable from pending", p, 0, n(UNSCHEDULABLE, 1, PENDING, 2), JobState.UNSCHEDULABLE),
        row("3 tolerated failure does not beat UNSCHEDULABLE", r, 1, n(FAILED, 1, UNSCHEDULABLE, 1),
            JobState.UNSCHEDULABLE),
        row("3 beats 4: UNSCHEDULABLE over KILLED", r, 0, n(UNSCHEDULABLE, 1, KILLED, 2),
            JobState.UNSCHEDULABLE),
        row("3 beats 5", r, 0, n(UNSCHEDULABLE, 1, SUCCEEDED, 1, WORKER_FAILED, 1), JobState.UNSCHEDULABLE),
        // (4) any KILLED
        row("4 killed", r, 0, n(KILLED, 1, RUNNING, 1), JobState.KILLED),
        row("4 all killed from pending", p, 0, n(KILLED, 3), JobState.KILLED),
        row("4 beats 5: KILLED over WORKER_FAILED", r, 0, n(KILLED, 1, WORKER_FAILED, 1, SUCCEEDED, 1),
            JobState.KILLED),
        row("4 with a tolerated failure", r, 1, n(KILLED, 1, FAILED, 1), JobState.KILLED),
        // (5) every task finished
        row("5 worker failed and succeeded", r, 0, n(WORKER_FAILED, 1, SUCCEEDED, 2), JobState.WORKER_FAILED),
        row("5 all worker failed", r, 0, n(WORKER_FAILED, 2), JobState.WORKER_FAILED),
        row("5 worker failed plus tolerated failure", r, 1, n(WORKER_FAILED, 1, FAILED, 1),
            JobState.WORKER_FAILED),
        row("5 tolerated failures plus successes", r, 1, n(FAILED, 1, SUCCEEDED, 2), JobState.SUCCEEDED),
        row("5 every task failed but tolerated", r, 3, n(FAILED, 3), JobState.SUCCEEDED),
        row("5 from pending", p, 0, n(WORKER_FAILED, 1), JobState.WORKER_FAILED),
        // (6) any ASSIGNED, BUILDING or RUNNING
        row("6 assigned", p, 0, n(ASSIGNED, 1, PENDING, 2), JobState.RUNNING),
        row("6 building", p, 0, n(BUILDING, 1, PENDING, 2), JobState.RUNNING),
        row("6 running", p, 0, n(RUNNING, 3), JobState.RUNNING),
        row("6 worker failed but one still running", r, 0, n(WORKER_FAILED, 2, RUNNING, 1), JobState.RUNNING),
        row("6 succeeded but one still running", r, 0, n(SUCCEEDED, 2, BUILDING, 1), JobState.RUNNING),
        row("6 stays running", r, 0, n(RUNNING, 1, PENDING, 1), JobState.RUNNING),
        // (7) otherwise unchanged
        row("7 all pending stays pending", p, 0, n(PENDING, 3), JobState.PENDING),
        row("7 all pending again stays running", r, 0, n(PENDING, 3), JobState.RUNNING),
        row("7 some succeeded, rest pending", p, 0, n(SUCCEEDED, 1, PENDING, 1), JobState.PENDING),
        row("7 some succeeded, rest pending, was running", r, 0, n(SUCCEEDED, 1, PENDING, 1), JobState.RUNNING),
        row("7 worker failed, rest pending", r, 0, n(WORKER_FAILED, 1, PENDING, 1), JobState.RUNNING),
        row("7 tolerated failure, rest pending", p, 1, n(FAILED, 1, PENDING, 1), JobState.PENDING));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void derivesTheFirstMatchingRule(String rule, JobState current, int maxTaskFailures,
      Map<TaskState, Integer> counts, JobState expected) {
    int numTasks = counts.values().stream().mapToInt(Integer::intValue).sum();
    assertThat(JobRollup.derive(current, vector(counts), numTasks, maxTaskFailures)).isEqualTo(expected);
  }

  static Stream<Arguments> terminalCurrentStates() {
    List<Map<TaskState, Integer>> vectors = List.of(
        n(PENDING, 2), n(RUNNING, 2), n(SUCCEEDED, 2), n(FAILED, 2), n(KILLED, 2), n(WORKER_FAILED, 2),
        n(UNSCHEDULABLE, 2), n(SUCCEEDED, 1, FAILED, 1));
    List<Arguments> rows = new ArrayList<>();
    for (JobState s : JobState.values()) {
      if (s.isTerminal()) {
        vectors.forEach(v -> rows.add(Arguments.of(s, v)));
      }
    }
    return rows.stream();
  }

  @ParameterizedTest(name = "{0} with {1}")
  @MethodSource("terminalCurrentStates")
  void aTerminalJobStateNeverChanges(JobState current, Map<TaskState, Integer> counts) {
    assertThat(JobRollup.derive(current, vector(counts), 2, 0)).isEqualTo(current);
  }

  @ParameterizedTest
  @EnumSource(value = JobState.class, names = {"PENDING", "RUNNING"})
  void allTasksFinishedNeverLeavesTheJobUnfinished(JobState current) {
    // every split of 4 finished tasks over the terminal task states: the job is terminal (never hangs)
    TaskState[] ends = {SUCCEEDED, FAILED, KILLED, WORKER_FAILED, UNSCHEDULABLE};
    int[] split = new int[ends.length];
    forEachSplit(split, 0, 4, () -> {
      Map<TaskState, Integer> counts = new EnumMap<>(TaskState.class);
      for (int i = 0; i < ends.length; i++) {
        counts.put(ends[i], split[i]);
      }
      for (int maxTaskFailures = 0; maxTaskFailures <= 4; maxTaskFailures++) {
        assertThat(JobRollup.derive(current, vector(counts), 4, maxTaskFailures).isTerminal())
            .as("%s max_task_failures=%d", counts, maxTaskFailures).isTrue();
      }
    });
  }

  private static void forEachSplit(int[] split, int at, int left, Runnable body) {
    if (at == split.length - 1) {
      split[at] = left;
      body.run();
      return;
    }
    for (int k = 0; k <= left; k++) {
      split[at] = k;
      forEachSplit(split, at + 1, left - k, body);
    }
  }

  private static int[] vector(Map<TaskState, Integer> counts) {
    int[] v = new int[TaskState.values().length];
    counts.forEach((s, c) -> v[s.ordinal()] = c);
    return v;
  }
}
