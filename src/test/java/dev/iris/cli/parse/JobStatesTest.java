package dev.iris.cli.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iris.rpc.JobState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class JobStatesTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "running,                 JOB_STATE_RUNNING",
    "RUNNING,                 JOB_STATE_RUNNING",
    "JOB_STATE_RUNNING,       JOB_STATE_RUNNING",
    "job_state_running,       JOB_STATE_RUNNING",
    "worker_failed,           JOB_STATE_WORKER_FAILED",
    "worker-failed,           JOB_STATE_WORKER_FAILED",
    "' Succeeded ',           JOB_STATE_SUCCEEDED",
    "unschedulable,           JOB_STATE_UNSCHEDULABLE",
  })
  void parsesStateNames(String text, JobState state) {
    assertThat(JobStates.parse(text)).isEqualTo(state);
  }

  @ParameterizedTest(name = "''{0}''")
  @ValueSource(strings = {"runing", "unspecified", "JOB_STATE_UNSPECIFIED", "UNRECOGNIZED", "", "assigned"})
  void rejectsUnknownStatesListingTheValidOnes(String text) {
    assertThatThrownBy(() -> JobStates.parse(text))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageContaining("'" + text + "' is not a job state")
        .hasMessageContaining("pending, building, running, succeeded, failed, killed, worker_failed");
  }

  @Test
  void shortNamesAreLowerCaseWithoutPrefix() {
    assertThat(JobStates.shortName(JobState.JOB_STATE_WORKER_FAILED)).isEqualTo("worker_failed");
  }
}
