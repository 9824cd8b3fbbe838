package dev.iris.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointRegistryTest {
  private static final JobId TRAIN = JobId.of("train");
  private static final JobId EVAL = JobId.of("eval");
  private static final TaskId T0 = new TaskId(TRAIN, 0);
  private static final TaskId T1 = new TaskId(TRAIN, 1);

  private final EndpointRegistry registry = new EndpointRegistry();

  @Test
  void registerAssignsAnIdAndKeepsTheOwner() {
    Endpoint e = registry.register("train/coordinator", "10.0.0.1:8476", TRAIN, T0, 2, Map.of("role", "lead"));
    assertThat(e.id()).isNotBlank();
    assertThat(e.name()).isEqualTo("train/coordinator");
    assertThat(e.address()).isEqualTo("10.0.0.1:8476");
    assertThat(e.job()).isEqualTo(TRAIN);
    assertThat(e.task()).isEqualTo(T0);
    assertThat(e.attemptId()).isEqualTo(2);
    assertThat(e.metadata()).containsEntry("role", "lead");
    assertThat(registry.size()).isEqualTo(1);
  }

  @Test
  void idsAreUnique() {
    Endpoint a = registry.register("a", "h:1", TRAIN, T0, 0, null);
    Endpoint b = registry.register("a", "h:1", TRAIN, T0, 0, null);
    assertThat(a.id()).isNotEqualTo(b.id());
    assertThat(registry.size()).isEqualTo(2);
  }

  @Test
  void metadataIsCopied() {
    Map<String, String> meta = new HashMap<>(Map.of("k", "v"));
    Endpoint e = registry.register("a", "h:1", TRAIN, T0, 0, meta);
    meta.put("k2", "v2");
    assertThat(e.metadata()).containsOnlyKeys("k");
    assertThat(registry.register("b", "h:1", TRAIN, T0, 0, null).metadata()).isEmpty();
  }

  @Test
  void lookupFindsTheNewestUnderExactlyThatName() {
    registry.register("svc", "h:1", TRAIN, T0, 0, null);
    Endpoint newer = registry.register("svc", "h:2", TRAIN, T1, 0, null);
    registry.register("svc2", "h:3", TRAIN, T1, 0, null);
    assertThat(registry.lookup("svc")).contains(newer);
    assertThat(registry.lookup("sv")).isEmpty();
    assertThat(registry.lookup("nothing")).isEmpty();
  }

  @Test
  void listIsByPrefixInNameOrderThenRegistrationOrder() {
    Endpoint b = registry.register("train/b", "h:1", TRAIN, T0, 0, null);
    Endpoint a2 = registry.register("train/a", "h:2", TRAIN, T0, 0, null);
    Endpoint other = registry.register("eval/a", "h:3", EVAL, null, 0, null);
    Endpoint a3 = registry.register("train/a", "h:3", TRAIN, T1, 0, null);
    Endpoint ab = registry.register("train/ab", "h:4", TRAIN, T1, 0, null);
    Endpoint t = registry.register("trainer", "h:5", TRAIN, T1, 0, null);

    assertThat(registry.list("train/")).containsExactly(a2, a3, ab, b);
    assertThat(registry.list("train/a")).containsExactly(a2, a3, ab);
    assertThat(registry.list("train")).containsExactly(a2, a3, ab, b, t);
    assertThat(registry.list("")).containsExactly(other, a2, a3, ab, b, t);
    assertThat(registry.list(null)).hasSize(6);
    assertThat(registry.list("x")).isEmpty();
    assertThat(registry.list("train/b")).containsExactly(b);
  }

  @Test
  void removeForAttemptRemovesOnlyThatAttemptsEndpoints() {
    Endpoint old = registry.register("svc", "h:1", TRAIN, T0, 0, null);
    Endpoint oldMetrics = registry.register("metrics", "h:1", TRAIN, T0, 0, null);
    Endpoint retry = registry.register("svc", "h:2", TRAIN, T0, 1, null);
    Endpoint sibling = registry.register("svc", "h:3", TRAIN, T1, 0, null);
    Endpoint jobLevel = registry.register("dashboard", "h:4", TRAIN, null, 0, null);

    assertThat(registry.removeForAttempt(T0, 0)).containsExactlyInAnyOrder(old, oldMetrics);
    assertThat(registry.list("")).containsExactlyInAnyOrder(retry, sibling, jobLevel);
    assertThat(registry.lookup("svc")).contains(sibling);
    assertThat(registry.lookup("metrics")).isEmpty();

    assertThat(registry.removeForAttempt(T0, 0)).as("idempotent").isEmpty();
    assertThat(registry.removeForAttempt(T0, 7)).isEmpty();
    assertThat(registry.removeForAttempt(new TaskId(EVAL, 0), 0)).isEmpty();

    assertThat(registry.removeForAttempt(T0, 1)).containsExactly(retry);
    assertThat(registry.list("")).containsExactlyInAnyOrder(sibling, jobLevel);
  }

  @Test
  void removeForJobRemovesEveryEndpointOfThatJobOnly() {
    registry.register("a", "h:1", TRAIN, T0, 0, null);
    registry.register("b", "h:1", TRAIN, T1, 3, null);
    registry.register("c", "h:1", TRAIN, null, 0, null);
    Endpoint keep = registry.register("a", "h:9", EVAL, new TaskId(EVAL, 0), 0, null);

    assertThat(registry.removeForJob(TRAIN)).extracting(Endpoint::name).containsExactlyInAnyOrder("a", "b", "c");
    assertThat(registry.list("")).containsExactly(keep);
    assertThat(registry.lookup("a")).contains(keep);
    assertThat(registry.removeForJob(TRAIN)).isEmpty();
    assertThat(registry.removeForAttempt(T0, 0)).isEmpty();
    assertThat(registry.size()).isEqualTo(1);
  }

  @Test
  void unregisterRemovesOneEndpointFromEveryIndex() {
    Endpoint e = registry.register("svc", "h:1", TRAIN, T0, 0, null);
    Endpoint other = registry.register("svc", "h:2", TRAIN, T0, 0, null);
    assertThat(registry.unregister(e.id())).contains(e);
    assertThat(registry.unregister(e.id())).isEmpty();
    assertThat(registry.unregister("no-such-id")).isEmpty();
    assertThat(registry.lookup("svc")).contains(other);
    assertThat(registry.removeForAttempt(T0, 0)).containsExactly(other);
    assertThat(registry.removeForJob(TRAIN)).isEmpty();
    assertThat(registry.list("")).isEmpty();
    assertThat(registry.lookup("svc")).isEmpty();
    assertThat(registry.size()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "train/coordinator", "svc:grpc", "a.b_c-d", "A9", "svc/http", "train/eval/grpc",
      "a/.hidden", "a/..b", "a/b..", "-x", "train/x.y:z"})
  void acceptsValidNames(String name) {
    assertThatCode(() -> EndpointRegistry.validateName(name)).doesNotThrowAnyException();
  }

  @Test
  void acceptsNamesUpTo512Characters() {
    assertThatCode(() -> EndpointRegistry.validateName("x".repeat(512))).doesNotThrowAnyException();
    assertThatCode(() -> EndpointRegistry.validateName("a/".repeat(255) + "ab")).doesNotThrowAnyException();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "\"\"              | must not be empty",
      "my svc            | endpoint name 'my svc' may hold only letters, digits and . _ : - in segments separated by '/'",
      "s\u00e9rvice     | may hold only",
      "<script>          | endpoint name '<script>' may hold only",
      "../../x           | endpoint name '../../x' has a '..' segment",
      "train/../x        | has a '..' segment",
      "train/./x         | endpoint name 'train/./x' has a '.' segment",
      "..                | has a '..' segment",
      "/x                | endpoint name '/x' has an empty segment",
      "x/                | has an empty segment",
      "a//b              | has an empty segment",
      "/                 | has an empty segment",
  })
  void rejectsInvalidNames(String name, String message) {
    assertThatThrownBy(() -> EndpointRegistry.validateName(name)).isInstanceOf(ValidationException.class)
        .hasMessageContaining(message);
  }

  @Test
  void rejectsControlCharactersAndQuotesThemEscaped() {
    assertThatThrownBy(() -> EndpointRegistry.validateName("svc\n")).isInstanceOf(ValidationException.class)
        .hasMessageStartingWith("endpoint name 'svc\\x0a' may hold only");
    assertThatThrownBy(() -> EndpointRegistry.validateName("svc\0x")).isInstanceOf(ValidationException.class)
        .hasMessageStartingWith("endpoint name 'svc\\x00x' may hold only");
    assertThatThrownBy(() -> EndpointRegistry.validateName(null)).isInstanceOf(ValidationException.class)
        .hasMessageContaining("must not be empty");
  }

  @Test
  void rejectsLongNamesQuotingOnlyAPrefix() {
    assertThatThrownBy(() -> EndpointRegistry.validateName("x".repeat(513))).isInstanceOf(ValidationException.class)
        .hasMessage("endpoint name '" + "x".repeat(64) + "...' (513 characters) is longer than 512 characters");
    assertThatThrownBy(() -> EndpointRegistry.validateName("x".repeat(10_000_000)))
        .isInstanceOf(ValidationException.class).hasMessageContaining("(10000000 characters)");
  }

  @Test
  void registerValidatesNameAndAddress() {
    assertThatThrownBy(() -> registry.register("bad name", "h:1", TRAIN, T0, 0, null))
        .isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> registry.register("svc", " ", TRAIN, T0, 0, null))
        .isInstanceOf(ValidationException.class).hasMessageContaining("needs an address");
    assertThatThrownBy(() -> registry.register("svc", null, TRAIN, T0, 0, null))
        .isInstanceOf(ValidationException.class);
    assertThat(registry.size()).isZero();
    assertThat(registry.list("")).isEqualTo(List.of());
  }
}
