package dev.iris.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.core.JobState;
import dev.iris.core.TaskState;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** The one mapping of task and job states, checked for every value of both enums, both ways. */
class ProtoStatesTest {
  private static final Set<dev.iris.rpc.TaskState> TASK_STATES_WITHOUT_DOMAIN =
      EnumSet.of(dev.iris.rpc.TaskState.TASK_STATE_UNSPECIFIED, dev.iris.rpc.TaskState.UNRECOGNIZED);
  private static final Set<dev.iris.rpc.JobState> JOB_STATES_WITHOUT_DOMAIN = EnumSet.of(
      dev.iris.rpc.JobState.JOB_STATE_UNSPECIFIED, dev.iris.rpc.JobState.JOB_STATE_BUILDING,
      dev.iris.rpc.JobState.UNRECOGNIZED);

  @ParameterizedTest(name = "{0} <-> {1}")
  @CsvSource({
    "PENDING,       TASK_STATE_PENDING",
    "ASSIGNED,      TASK_STATE_ASSIGNED",
    "BUILDING,      TASK_STATE_BUILDING",
    "RUNNING,       TASK_STATE_RUNNING",
    "SUCCEEDED,     TASK_STATE_SUCCEEDED",
    "FAILED,        TASK_STATE_FAILED",
    "KILLED,        TASK_STATE_KILLED",
    "WORKER_FAILED, TASK_STATE_WORKER_FAILED",
    "UNSCHEDULABLE, TASK_STATE_UNSCHEDULABLE",
  })
  void taskStatesMapOneToOne(TaskState domain, dev.iris.rpc.TaskState proto) {
    assertThat(ProtoStates.toProto(domain)).isEqualTo(proto);
    assertThat(ProtoStates.toDomain(proto)).contains(domain);
    assertThat(ProtoStates.isFinished(proto)).isEqualTo(domain.isTerminal());
    assertThat(ProtoStates.shortName(proto)).isEqualTo(domain.name());
  }

  @ParameterizedTest(name = "{0} <-> {1}")
  @CsvSource({
    "PENDING,       JOB_STATE_PENDING",
    "RUNNING,       JOB_STATE_RUNNING",
    "SUCCEEDED,     JOB_STATE_SUCCEEDED",
    "FAILED,        JOB_STATE_FAILED",
    "KILLED,        JOB_STATE_KILLED",
    "WORKER_FAILED, JOB_STATE_WORKER_FAILED",
    "UNSCHEDULABLE, JOB_STATE_UNSCHEDULABLE",
  })
  void jobStatesMapOneToOne(JobState domain, dev.iris.rpc.JobState proto) {
    assertThat(ProtoStates.toProto(domain)).isEqualTo(proto);
    assertThat(ProtoStates.toDomain(proto)).contains(domain);
    assertThat(ProtoStates.isFinished(proto)).isEqualTo(domain.isTerminal());
    assertThat(ProtoStates.shortName(proto)).isEqualTo(domain.name());
  }

  @ParameterizedTest
  @EnumSource(dev.iris.rpc.TaskState.class)
  void everyContractTaskStateIsMappedOrHasNoDomainState(dev.iris.rpc.TaskState proto) {
    Optional<TaskState> domain = ProtoStates.toDomain(proto);
    assertThat(domain.isEmpty()).isEqualTo(TASK_STATES_WITHOUT_DOMAIN.contains(proto));
    domain.ifPresent(d -> assertThat(ProtoStates.toProto(d)).isEqualTo(proto));
  }

  @ParameterizedTest
  @EnumSource(dev.iris.rpc.JobState.class)
  void everyContractJobStateIsMappedOrHasNoDomainState(dev.iris.rpc.JobState proto) {
    Optional<JobState> domain = ProtoStates.toDomain(proto);
    assertThat(domain.isEmpty()).isEqualTo(JOB_STATES_WITHOUT_DOMAIN.contains(proto));
    domain.ifPresent(d -> assertThat(ProtoStates.toProto(d)).isEqualTo(proto));
  }

  @Test
  void statesWithoutADomainStateAreNotFinished() {
    TASK_STATES_WITHOUT_DOMAIN.forEach(s -> assertThat(ProtoStates.isFinished(s)).as(s.name()).isFalse());
    JOB_STATES_WITHOUT_DOMAIN.forEach(s -> assertThat(ProtoStates.isFinished(s)).as(s.name()).isFalse());
    assertThat(ProtoStates.shortName(dev.iris.rpc.JobState.JOB_STATE_BUILDING)).isEqualTo("BUILDING");
    assertThat(ProtoStates.shortName(dev.iris.rpc.TaskState.UNRECOGNIZED)).isEqualTo("UNRECOGNIZED");
  }

  @ParameterizedTest(name = "''{0}'' -> {1}")
  @CsvSource({
    "running,             JOB_STATE_RUNNING",
    "RUNNING,             JOB_STATE_RUNNING",
    "JOB_STATE_RUNNING,   JOB_STATE_RUNNING",
    "job_state_running,   JOB_STATE_RUNNING",
    "worker-failed,       JOB_STATE_WORKER_FAILED",
    "' Succeeded ',       JOB_STATE_SUCCEEDED",
    "building,            JOB_STATE_BUILDING",
  })
  void jobStatesAreNamedAsPeopleTypeThem(String text, dev.iris.rpc.JobState state) {
    assertThat(ProtoStates.jobStateNamed(text)).contains(state);
  }

  @ParameterizedTest(name = "''{0}''")
  @CsvSource({"''", "runing", "unspecified", "JOB_STATE_UNSPECIFIED", "UNRECOGNIZED", "assigned", "JOB_STATE_",
      "JOB_STATE_JOB_STATE_RUNNING"})
  void otherNamesNameNoJobState(String text) {
    assertThat(ProtoStates.jobStateNamed(text)).isEmpty();
  }

  @Test
  void theNamedJobStatesAreAllButUnspecifiedAndUnrecognizedInContractOrder() {
    assertThat(ProtoStates.namedJobStates()).containsExactlyElementsOf(Arrays.stream(dev.iris.rpc.JobState.values())
        .filter(s -> s != dev.iris.rpc.JobState.JOB_STATE_UNSPECIFIED && s != dev.iris.rpc.JobState.UNRECOGNIZED)
        .toList());
  }
}
