package dev.iris.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class TaskIdTest {

  @Test
  void formatsAsJobIdSlashTaskIndex() {
    TaskId id = new TaskId(JobId.of("train/eval"), 3);
    assertThat(id.toString()).isEqualTo("train/eval/task-3");
    assertThat(id.shortName()).isEqualTo("task-3");
    assertThat(id.job()).isEqualTo(JobId.of("train/eval"));
    assertThat(id.index()).isEqualTo(3);
  }

  @ParameterizedTest
  @ValueSource(strings = {"job/task-0", "job/task-1", "job/task-10", "a/b/c/task-42", "job/task-9999",
      "task-like/task-7"})
  void parseAndFormatRoundTrip(String value) {
    TaskId id = TaskId.parse(value);
    assertThat(id.toString()).isEqualTo(value);
    assertThat(TaskId.parse(id.toString())).isEqualTo(id);
  }

  @Test
  void parseSplitsAtTheLastTaskMarker() {
    TaskId id = TaskId.parse("a/b/task-12");
    assertThat(id.job()).isEqualTo(JobId.of("a/b"));
    assertThat(id.index()).isEqualTo(12);
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of(null, "must not be empty"),
        Arguments.of("", "must not be empty"),
        Arguments.of("job", "not of the form '{job_id}/task-{index}'"),
        Arguments.of("task-1", "not of the form"),
        Arguments.of("/task-1", "not of the form"),
        Arguments.of("job/task-", "malformed index ''"),
        Arguments.of("job/task-x", "malformed index 'x'"),
        Arguments.of("job/task-01", "malformed index '01'"),
        Arguments.of("job/task-00", "malformed index '00'"),
        Arguments.of("job/task--1", "malformed index '-1'"),
        Arguments.of("job/task-+1", "malformed index '+1'"),
        Arguments.of("job/task-1 ", "malformed index '1 '"),
        Arguments.of("job/task-1/", "malformed index '1/'"),
        Arguments.of("job/task-123456", "malformed index '123456'"),
        Arguments.of("job/task-10000", "task index 10000 is out of range 0..9999"),
        Arguments.of("job/task-99999", "out of range"),
        Arguments.of("a//task-1", "empty segment"),
        Arguments.of("my job/task-1", "'my job'"),
        Arguments.of("job/task-1/task-2", "reserved"));
  }

  @ParameterizedTest
  @MethodSource("malformed")
  void rejectsMalformedIdsWithAMessageNamingTheProblem(String value, String message) {
    assertThatThrownBy(() -> TaskId.parse(value))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining(message);
  }

  @Test
  void constructorRejectsAMissingJobAndAnIndexOutOfRange() {
    JobId job = JobId.of("job");
    assertThatThrownBy(() -> new TaskId(null, 0)).isInstanceOf(ValidationException.class)
        .hasMessageContaining("needs a job id");
    assertThatThrownBy(() -> new TaskId(job, -1)).isInstanceOf(ValidationException.class)
        .hasMessageContaining("task index -1 is out of range");
    assertThatThrownBy(() -> new TaskId(job, JobSpec.MAX_REPLICAS)).isInstanceOf(ValidationException.class)
        .hasMessageContaining("out of range");
    assertThat(new TaskId(job, JobSpec.MAX_REPLICAS - 1).index()).isEqualTo(9999);
  }

  @Test
  void ordersByJobThenNumericIndex() {
    TaskId a2 = TaskId.parse("a/task-2");
    TaskId a10 = TaskId.parse("a/task-10");
    TaskId b0 = TaskId.parse("b/task-0");
    assertThat(Stream.of(b0, a10, a2).sorted()).containsExactly(a2, a10, b0);
  }
}
