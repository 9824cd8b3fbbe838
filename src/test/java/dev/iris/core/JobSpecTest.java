package dev.iris.core;

import static dev.iris.core.Fixtures.ARGV;
import static dev.iris.core.Fixtures.JOB;
import static dev.iris.core.Fixtures.ONE_CPU;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class JobSpecTest {
  private static final String HASH = "0123456789abcdef".repeat(4);

  /** A spec builder: every field valid unless a test changes it. */
  private static final class B {
    JobId id = JOB;
    List<String> argv = ARGV;
    Resources resources = ONE_CPU;
    int replicas = 1;
    Map<String, String> env = Map.of("PYTHONUNBUFFERED", "1");
    List<String> ports = List.of("http");
    List<Constraint> constraints = List.of();
    String coscheduleBy = "";
    int maxTaskFailures;
    int maxRetriesFailure;
    int maxRetriesPreemption = 100;
    long schedulingTimeoutMs;
    int taskTimeoutSeconds;
    List<String> setup = List.of();
    String bundleHash = "";

    JobSpec build() {
      return new JobSpec(id, argv, resources, replicas, env, ports, constraints, coscheduleBy,
          maxTaskFailures, maxRetriesFailure, maxRetriesPreemption, schedulingTimeoutMs, taskTimeoutSeconds,
          setup, bundleHash, "alice");
    }
  }

  private static B b() {
    return new B();
  }

  @Test
  void aValidSpecKeepsItsFields() {
    B b = b();
    b.bundleHash = HASH;
    b.schedulingTimeoutMs = 60_000;
    b.coscheduleBy = "  slice ";
    JobSpec spec = b.build();
    assertThat(spec.argv()).isEqualTo(ARGV);
    assertThat(spec.env()).containsEntry("PYTHONUNBUFFERED", "1");
    assertThat(spec.ports()).containsExactly("http");
    assertThat(spec.bundleHash()).isEqualTo(HASH);
    assertThat(spec.coscheduleBy()).isEqualTo("slice");
    assertThat(spec.isGang()).isTrue();
  }

  @Test
  void nullCollectionsBecomeEmptyAndInputsAreCopied() {
    B b = b();
    List<String> argv = new ArrayList<>(ARGV);
    b.argv = argv;
    b.env = null;
    b.ports = null;
    b.constraints = null;
    b.coscheduleBy = null;
    b.setup = null;
    b.bundleHash = null;
    JobSpec spec = b.build();
    argv.add("--mutated");
    assertThat(spec.argv()).isEqualTo(ARGV);
    assertThat(spec.env()).isEmpty();
    assertThat(spec.ports()).isEmpty();
    assertThat(spec.constraints()).isEmpty();
    assertThat(spec.coscheduleBy()).isEmpty();
    assertThat(spec.isGang()).isFalse();
    assertThat(spec.setupCommand()).isEmpty();
    assertThat(spec.bundleHash()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 9_999, 10_000})
  void acceptsReplicasFrom1To10000(int replicas) {
    B b = b();
    b.replicas = replicas;
    assertThat(b.build().replicas()).isEqualTo(replicas);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, 10_001, Integer.MAX_VALUE, Integer.MIN_VALUE})
  void rejectsReplicasOutside1To10000(int replicas) {
    B b = b();
    b.replicas = replicas;
    assertInvalid(b, "replicas must be between 1 and 10000, got " + replicas);
  }

  static Stream<Arguments> invalidSpecs() {
    return Stream.of(
        // command
        bad("null id", b -> b.id = null, "job needs a name"),
        bad("null argv", b -> b.argv = null, "command must not be empty"),
        bad("empty argv", b -> b.argv = List.of(), "command must not be empty"),
        bad("blank program", b -> b.argv = List.of("  ", "x"), "command must start with a program name"),
        bad("empty program", b -> b.argv = List.of(""), "command must start with a program name"),
        bad("NUL in program", b -> b.argv = List.of("py\0thon"), "command argument contains a NUL"),
        bad("NUL in argument", b -> b.argv = List.of("python", "a\0b"), "command argument contains a NUL"),
        bad("null argument", b -> b.argv = Arrays.asList("python", null), "command has a null argument"),
        bad("huge argv", b -> b.argv = List.of("echo", "x".repeat(TaskSpecRules.MAX_ARGV_BYTES)), "bytes long"),
        bad("blank setup", b -> b.setup = List.of(" "), "setup command must start with a program name"),
        bad("NUL in setup", b -> b.setup = List.of("pip", "\0"), "setup command argument contains a NUL"),
        // resources
        bad("null resources", b -> b.resources = null, "job needs resources"),
        bad("absurd cpu", b -> b.resources = Resources.of(5000, 0), "cpu must be between 0 and 4096, got 5000"),
        bad("absurd memory", b -> b.resources = Resources.of(1, (1L << 46) + 1), "memory"),
        bad("absurd disk", b -> b.resources = new Resources(1, 0, (1L << 50) + 1, 0, ""), "disk"),
        bad("absurd gpus", b -> b.resources = new Resources(1, 0, 0, 1025, "h100"), "gpu count"),
        // env
        bad("env name with digit first", b -> b.env = Map.of("1X", "v"), "'1X' is not valid"),
        bad("env name with dash", b -> b.env = Map.of("MY-VAR", "v"), "'MY-VAR' is not valid"),
        bad("env name with '='", b -> b.env = Map.of("A=B", "v"), "'A=B' is not valid"),
        bad("empty env name", b -> b.env = Map.of("", "v"), "'' is not valid"),
        bad("null env name", b -> b.env = mapOf(null, "v"), "name null is not valid"),
        bad("NUL in env value", b -> b.env = Map.of("A", "x\0"), "environment variable A has an invalid value"),
        bad("null env value", b -> b.env = mapOf("A", null), "environment variable A has an invalid value"),
        // ports
        bad("duplicate port", b -> b.ports = List.of("http", "grpc", "http"), "port 'http' is requested twice"),
        bad("duplicate port ignoring case", b -> b.ports = List.of("http", "HTTP"), "requested twice"),
        bad("port starting with digit", b -> b.ports = List.of("8080"), "port name '8080' must be"),
        bad("port with dash", b -> b.ports = List.of("my-port"), "port name 'my-port'"),
        bad("empty port", b -> b.ports = List.of(""), "port name ''"),
        bad("port name too long", b -> b.ports = List.of("p" + "x".repeat(32)), "1-32"),
        bad("null port", b -> b.ports = Arrays.asList("http", null), "port name null must be"),
        // policy
        bad("negative max_task_failures", b -> b.maxTaskFailures = -1, "max_task_failures must be between 0"),
        bad("negative failure retries", b -> b.maxRetriesFailure = -1, "max_retries_failure must be between 0"),
        bad("negative preemption retries", b -> b.maxRetriesPreemption = -1,
            "max_retries_preemption must be between 0"),
        bad("absurd failure retries", b -> b.maxRetriesFailure = JobSpec.MAX_RETRIES + 1,
            "max_retries_failure must be between 0 and 10000"),
        bad("negative scheduling timeout", b -> b.schedulingTimeoutMs = -1,
            "scheduling timeout must be between 0 and 365 days, got -1 ms"),
        bad("scheduling timeout over a year", b -> b.schedulingTimeoutMs = JobSpec.MAX_SCHEDULING_TIMEOUT_MS + 1,
            "scheduling timeout must be between 0 and 365 days"),
        bad("negative task timeout", b -> b.taskTimeoutSeconds = -1, "timeout_seconds must be between 0"),
        // bundle
        bad("short bundle hash", b -> b.bundleHash = "abc", "bundle hash must be 64 lowercase hex digits"),
        bad("uppercase bundle hash", b -> b.bundleHash = HASH.toUpperCase(), "bundle hash"),
        bad("non-hex bundle hash", b -> b.bundleHash = "g".repeat(64), "bundle hash"),
        bad("long bundle hash", b -> b.bundleHash = HASH + "0", "bundle hash"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidSpecs")
  void rejectsInvalidSpecsNamingTheField(String name, java.util.function.Consumer<B> change, String message) {
    B b = b();
    change.accept(b);
    assertInvalid(b, message);
  }

  @Test
  void acceptsTheBoundaries() {
    B b = b();
    b.resources = new Resources(JobSpec.MAX_CPU, JobSpec.MAX_MEMORY_BYTES, JobSpec.MAX_DISK_BYTES,
        JobSpec.MAX_GPUS, "h100");
    b.maxTaskFailures = JobSpec.MAX_REPLICAS;
    b.maxRetriesFailure = JobSpec.MAX_RETRIES;
    b.maxRetriesPreemption = 0;
    b.schedulingTimeoutMs = JobSpec.MAX_SCHEDULING_TIMEOUT_MS;
    b.ports = List.of("a", "P" + "x".repeat(31), "grpc_2");
    b.env = Map.of("_X", "", "a1", "value with spaces");
    b.argv = List.of("echo", "x".repeat(TaskSpecRules.MAX_ARGV_BYTES - 4));
    b.bundleHash = HASH;
    assertThat(b.build()).isNotNull();
  }

  @Test
  void negativeResourcesAreRejectedWhereTheyAreBuilt() {
    Supplier<Resources> negCpu = () -> Resources.of(-1, 0);
    assertThatThrownBy(negCpu::get).isInstanceOf(ValidationException.class)
        .hasMessageContaining("resources must not be negative");
    assertThatThrownBy(() -> Resources.of(1, -1)).isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> new Resources(1, 0, -1, 0, "")).isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> new Resources(1, 0, 0, -1, "")).isInstanceOf(ValidationException.class);
  }

  @Test
  void simpleUsesTheOriginalDefaults() {
    JobSpec spec = JobSpec.simple(JOB, ARGV, ONE_CPU, 3);
    assertThat(spec.maxTaskFailures()).isZero();
    assertThat(spec.maxRetriesFailure()).isZero().isEqualTo(JobSpec.DEFAULT_MAX_RETRIES_FAILURE);
    assertThat(spec.maxRetriesPreemption()).isEqualTo(100).isEqualTo(JobSpec.DEFAULT_MAX_RETRIES_PREEMPTION);
    assertThat(spec.schedulingTimeoutMs()).isZero();
    assertThat(spec.isGang()).isFalse();
  }

  @Test
  void withPolicyValidatesAgain() {
    JobSpec spec = JobSpec.simple(JOB, ARGV, ONE_CPU, 3).withPolicy(1, 2, 3);
    assertThat(spec.maxTaskFailures()).isEqualTo(1);
    assertThat(spec.maxRetriesFailure()).isEqualTo(2);
    assertThat(spec.maxRetriesPreemption()).isEqualTo(3);
    assertThatThrownBy(() -> spec.withPolicy(0, -1, 0)).isInstanceOf(ValidationException.class);
  }

  // ------------------------------------------------------------------ expansion

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 10_000})
  void submitExpandsIntoNPendingTasksAllEnqueued(int replicas) {
    List<Effect> effects = new ArrayList<>();
    Job job = Job.submit(Fixtures.spec(replicas), 500, effects);

    assertThat(job.numTasks()).isEqualTo(replicas);
    assertThat(job.state()).isEqualTo(JobState.PENDING);
    assertThat(job.submittedAtMs()).isEqualTo(500);
    assertThat(job.count(TaskState.PENDING)).isEqualTo(replicas);
    assertThat(effects).hasSize(replicas).allMatch(e -> e instanceof Effect.Enqueued);
    for (int i = 0; i < replicas; i++) {
      Task t = job.task(i);
      assertThat(t.id().toString()).isEqualTo("train/task-" + i);
      assertThat(t.index()).isEqualTo(i);
      assertThat(t.state()).isEqualTo(TaskState.PENDING);
      assertThat(t.attempts()).isEmpty();
      assertThat(t.currentAttempt()).isNull();
      assertThat(t.currentAttemptId()).isEqualTo(-1);
      assertThat(t.queuedAtMs()).isEqualTo(500);
      assertThat(((Effect.Enqueued) effects.get(i)).task()).isEqualTo(t.id());
    }
    assertThat(job.tasks()).hasSize(replicas);
  }

  @Test
  void expandedTasksInheritTheRetryBudgetsOfTheSpec() {
    // defaults: failure 0, preemption 100, max_task_failures 0
    Fixtures.Driver d = new Fixtures.Driver(Fixtures.spec(2));
    for (int i = 0; i < 100; i++) {
      d.assign(0, "w");
      d.workerFailed(0);
    }
    assertThat(d.task(0).state()).isEqualTo(TaskState.PENDING);
    assertThat(d.task(0).preemptionCount()).isEqualTo(100);
    d.assign(0, "w");
    d.workerFailed(0);
    assertThat(d.task(0).state()).isEqualTo(TaskState.WORKER_FAILED);

    d.assign(1, "w");
    d.fail(1, "boom");
    assertThat(d.task(1).state()).as("no failure retries by default").isEqualTo(TaskState.FAILED);
    assertThat(d.job.state()).as("max_task_failures 0 by default").isEqualTo(JobState.FAILED);

    // explicit budgets
    Fixtures.Driver e = new Fixtures.Driver(Fixtures.spec(1, 0, 1, 0));
    e.assign(0, "w");
    e.fail(0, "boom");
    assertThat(e.task(0).state()).isEqualTo(TaskState.PENDING);
    e.assign(0, "w");
    e.workerFailed(0);
    assertThat(e.task(0).state()).isEqualTo(TaskState.WORKER_FAILED);
  }

  private static Arguments bad(String name, java.util.function.Consumer<B> change, String message) {
    return Arguments.of(name, change, message);
  }

  private static Map<String, String> mapOf(String k, String v) {
    Map<String, String> m = new HashMap<>();
    m.put(k, v);
    return m;
  }

  private static void assertInvalid(B b, String message) {
    assertThatThrownBy(b::build).isInstanceOf(ValidationException.class).hasMessageContaining(message);
  }
}
