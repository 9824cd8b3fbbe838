package dev.iris.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class JobIdTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "train", "a", "A9", "9lives", "train.v2", "train_v2", "train-v2", "train/eval", "a/b/c/d/e/f/g/h",
      "task", "task-", "task-x", "tasks-1", "my-task-1", "task-1a"})
  void acceptsValidIds(String value) {
    assertThat(JobId.of(value).value()).isEqualTo(value);
    assertThat(JobId.of(value).toString()).isEqualTo(value);
  }

  @Test
  void acceptsSegmentsOfExactly63Characters() {
    String name = "a".repeat(63);
    assertThat(JobId.of(name + "/" + name).depth()).isEqualTo(2);
  }

  static Stream<Arguments> invalidIds() {
    return Stream.of(
        Arguments.of(null, "must not be empty"),
        Arguments.of("", "must not be empty"),
        Arguments.of("/", "empty segment"),
        Arguments.of("a//b", "empty segment"),
        Arguments.of("/train", "empty segment"),
        Arguments.of("train/", "empty segment"),
        Arguments.of("my job", "'my job'"),
        Arguments.of("train/my eval", "'my eval'"),
        Arguments.of("-train", "starting with a letter or digit"),
        Arguments.of(".hidden", "starting with a letter or digit"),
        Arguments.of("tr@in", "letters, digits"),
        Arguments.of("a".repeat(64), "1-63"),
        Arguments.of("a/b/c/d/e/f/g/h/i", "nested 9 deep; at most 8"),
        Arguments.of("task-3", "reserved"),
        Arguments.of("train/task-0", "reserved"),
        Arguments.of("task-3/eval", "reserved"));
  }

  @ParameterizedTest
  @MethodSource("invalidIds")
  void rejectsInvalidIdsWithAMessageNamingTheProblem(String value, String message) {
    assertThatThrownBy(() -> JobId.of(value))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining(message);
  }

  @Test
  void acceptsTheLongestIdAndRefusesLongerOnesQuotingAPrefix() {
    String longest = String.join("/", java.util.Collections.nCopies(JobId.MAX_DEPTH, "a".repeat(63)));
    assertThat(JobId.of(longest).value()).hasSize(JobId.MAX_LENGTH);
    assertThatThrownBy(() -> JobId.of(longest + "b")).isInstanceOf(ValidationException.class)
        .hasMessage("job id '" + "a".repeat(63) + "/...' (512 characters) is longer than 511 characters");
    assertThatThrownBy(() -> JobId.of("j".repeat(64 << 20))).hasMessageContaining("(67108864 characters)");
  }

  @Test
  void quotesWhatItRefusesOnOneLine() {
    assertThatThrownBy(() -> JobId.of("a\nb")).hasMessage(
        "job name 'a\\x0ab' in 'a\\x0ab' must be 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit");
    assertThatThrownBy(() -> TaskId.parse("x".repeat(1000) + "/task-1\n")).hasMessage(
        "task id '" + "x".repeat(64) + "...' (1008 characters) has a malformed index '1\\x0a'");
  }

  @Test
  void rootAndChildBuildHierarchicalIds() {
    JobId train = JobId.root("train");
    JobId eval = train.child("eval");
    assertThat(eval).isEqualTo(JobId.of("train/eval"));
    assertThat(eval.child("shard").value()).isEqualTo("train/eval/shard");
  }

  @Test
  void rootAndChildValidateTheName() {
    JobId train = JobId.root("train");
    assertThatThrownBy(() -> JobId.root("a/b")).isInstanceOf(ValidationException.class)
        .hasMessageContaining("must not contain '/'");
    assertThatThrownBy(() -> train.child("")).isInstanceOf(ValidationException.class)
        .hasMessageContaining("must not be empty");
    assertThatThrownBy(() -> train.child("x/y")).isInstanceOf(ValidationException.class)
        .hasMessageContaining("must not contain '/'");
    assertThatThrownBy(() -> train.child("task-1")).isInstanceOf(ValidationException.class)
        .hasMessageContaining("reserved");
    assertThatThrownBy(() -> train.child("has space")).isInstanceOf(ValidationException.class);
  }

  @Test
  void childOfTheDeepestJobIsRejected() {
    JobId deepest = JobId.of("a/b/c/d/e/f/g/h");
    assertThatThrownBy(() -> deepest.child("i")).isInstanceOf(ValidationException.class)
        .hasMessageContaining("at most 8");
  }

  @Test
  void parentRootNameSegmentsAndDepth() {
    JobId id = JobId.of("train/eval/shard");
    assertThat(id.parent()).isEqualTo(JobId.of("train/eval"));
    assertThat(id.parent().parent()).isEqualTo(JobId.of("train"));
    assertThat(JobId.of("train").parent()).isNull();
    assertThat(id.root()).isEqualTo(JobId.of("train"));
    assertThat(JobId.of("train").root()).isEqualTo(JobId.of("train"));
    assertThat(id.name()).isEqualTo("shard");
    assertThat(JobId.of("train").name()).isEqualTo("train");
    assertThat(id.segments()).containsExactly("train", "eval", "shard");
    assertThat(id.depth()).isEqualTo(3);
  }

  @Test
  void isAncestorOfIsStrictAndSegmentWise() {
    JobId train = JobId.of("train");
    assertThat(train.isAncestorOf(JobId.of("train/eval"))).isTrue();
    assertThat(train.isAncestorOf(JobId.of("train/eval/shard"))).isTrue();
    assertThat(JobId.of("train/eval").isAncestorOf(JobId.of("train/eval/shard"))).isTrue();
    assertThat(train.isAncestorOf(train)).isFalse();
    assertThat(train.isAncestorOf(JobId.of("training/eval"))).isFalse();
    assertThat(train.isAncestorOf(JobId.of("trainx"))).isFalse();
    assertThat(JobId.of("train/eval").isAncestorOf(train)).isFalse();
    assertThat(JobId.of("other").isAncestorOf(JobId.of("train/eval"))).isFalse();
  }

  @Test
  void equalityAndOrderFollowTheValue() {
    assertThat(JobId.of("a/b")).isEqualTo(JobId.root("a").child("b")).hasSameHashCodeAs(JobId.of("a/b"));
    List<JobId> sorted = Stream.of("b", "a/b", "a").map(JobId::of).sorted().toList();
    assertThat(sorted).extracting(JobId::value).containsExactly("a", "a/b", "b");
  }
}
