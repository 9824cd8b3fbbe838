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
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every (from, to) pair of {@link TaskState} against the lifecycle of DESIGN.md:
 * <pre>
 * PENDING -> ASSIGNED -> BUILDING -> RUNNING -> SUCCEEDED | FAILED | KILLED | WORKER_FAILED
 *    ^          |           |           |       retry (budget left) / delivery failure: back to PENDING
 * PENDING -> UNSCHEDULABLE (scheduling timeout);  any non-terminal -> KILLED
 * </pre>
 * plus what {@link TaskTransitions} documents: a worker may skip BUILDING (ASSIGNED -> RUNNING, spec 004),
 * and a fast task may end before its RUNNING report arrives (ASSIGNED/BUILDING -> any end).
 */
class TaskTransitionsTest {
  private static final Set<TaskState> ENDS_OF_AN_ATTEMPT = EnumSet.of(SUCCEEDED, FAILED, KILLED, WORKER_FAILED);

  /** The documented lifecycle, written out independently of the implementation. */
  private static final Map<TaskState, Set<TaskState>> DOCUMENTED = Map.of(
      PENDING, EnumSet.of(ASSIGNED, UNSCHEDULABLE, KILLED),
      ASSIGNED, union(EnumSet.of(PENDING, BUILDING, RUNNING), ENDS_OF_AN_ATTEMPT),
      BUILDING, union(EnumSet.of(PENDING, RUNNING), ENDS_OF_AN_ATTEMPT),
      RUNNING, union(EnumSet.of(PENDING), ENDS_OF_AN_ATTEMPT),
      SUCCEEDED, EnumSet.noneOf(TaskState.class),
      FAILED, EnumSet.noneOf(TaskState.class),
      KILLED, EnumSet.noneOf(TaskState.class),
      WORKER_FAILED, EnumSet.noneOf(TaskState.class),
      UNSCHEDULABLE, EnumSet.noneOf(TaskState.class));

  static List<Arguments> everyPair() {
    List<Arguments> pairs = new ArrayList<>();
    for (TaskState from : TaskState.values()) {
      for (TaskState to : TaskState.values()) {
        pairs.add(Arguments.of(from, to, DOCUMENTED.get(from).contains(to)));
      }
    }
    return pairs;
  }

  @ParameterizedTest(name = "{0} -> {1}: {2}")
  @MethodSource("everyPair")
  void everyPairIsAllowedExactlyAsDocumented(TaskState from, TaskState to, boolean allowed) {
    assertThat(TaskTransitions.allowed(from, to)).isEqualTo(allowed);
  }

  @Test
  void theTableCoversAllStates() {
    assertThat(DOCUMENTED.keySet()).containsExactlyInAnyOrder(TaskState.values());
    assertThat(everyPair()).hasSize(81);
  }

  @ParameterizedTest
  @EnumSource(TaskState.class)
  void successorsAreTheAllowedSet(TaskState from) {
    assertThat(TaskTransitions.successors(from)).isEqualTo(DOCUMENTED.get(from));
  }

  @ParameterizedTest
  @EnumSource(value = TaskState.class, names = {"SUCCEEDED", "FAILED", "KILLED", "WORKER_FAILED", "UNSCHEDULABLE"})
  void terminalStatesHaveNoSuccessors(TaskState terminal) {
    assertThat(terminal.isTerminal()).isTrue();
    assertThat(terminal.isActive()).isFalse();
    assertThat(TaskTransitions.successors(terminal)).isEmpty();
  }

  @Test
  void noStateFollowsItself() {
    for (TaskState s : TaskState.values()) {
      assertThat(TaskTransitions.allowed(s, s)).as(s.name()).isFalse();
    }
  }

  @Test
  void successorsIsACopy() {
    Set<TaskState> s = TaskTransitions.successors(PENDING);
    s.add(SUCCEEDED);
    s.clear();
    assertThat(TaskTransitions.successors(PENDING)).containsExactlyInAnyOrder(ASSIGNED, UNSCHEDULABLE, KILLED);
    TaskTransitions.successors(SUCCEEDED).add(PENDING);
    assertThat(TaskTransitions.allowed(SUCCEEDED, PENDING)).isFalse();
  }

  @Test
  void terminalAndActiveClassification() {
    assertThat(EnumSet.allOf(TaskState.class).stream().filter(TaskState::isTerminal))
        .containsExactlyInAnyOrder(SUCCEEDED, FAILED, KILLED, WORKER_FAILED, UNSCHEDULABLE);
    assertThat(EnumSet.allOf(TaskState.class).stream().filter(TaskState::isActive))
        .containsExactlyInAnyOrder(ASSIGNED, BUILDING, RUNNING);
    assertThat(PENDING.isTerminal()).isFalse();
    assertThat(PENDING.isActive()).isFalse();
  }

  @Test
  void jobTerminalStates() {
    assertThat(EnumSet.allOf(JobState.class).stream().filter(JobState::isTerminal))
        .containsExactlyInAnyOrder(JobState.SUCCEEDED, JobState.FAILED, JobState.KILLED,
            JobState.WORKER_FAILED, JobState.UNSCHEDULABLE);
  }

  private static Set<TaskState> union(Set<TaskState> a, Set<TaskState> b) {
    EnumSet<TaskState> u = EnumSet.copyOf(a);
    u.addAll(b);
    return u;
  }
}
