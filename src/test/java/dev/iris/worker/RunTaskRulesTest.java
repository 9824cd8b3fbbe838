package dev.iris.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.ByteString;
import dev.iris.core.JobId;
import dev.iris.core.JobSpec;
import dev.iris.core.Resources;
import dev.iris.core.TaskId;
import dev.iris.core.ValidationException;
import dev.iris.rpc.CommandEntrypoint;
import dev.iris.rpc.EnvironmentConfig;
import dev.iris.rpc.Worker;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The worker checks what a task runs by the same rules as the controller: every spec the controller
 * refuses at submission, a RunTask carrying it is refused for, with the very same message.
 */
class RunTaskRulesTest {
  private static final TaskId TASK = TaskId.parse("j/task-0");
  private static final String HASH = "0123456789abcdef".repeat(4);

  /** What a task runs, as a submitted job and as a RunTask carry it. */
  private record Spec(List<String> argv, List<String> setup, Map<String, String> env, List<String> ports,
      String bundleHash) {
    static Spec valid() {
      return new Spec(List.of("python", "-u"), List.of(), Map.of("SEED", "1"), List.of("http"), "");
    }

    Spec withArgv(String... a) {
      return new Spec(List.of(a), setup, env, ports, bundleHash);
    }

    Spec withSetup(String... s) {
      return new Spec(argv, List.of(s), env, ports, bundleHash);
    }

    Spec withEnv(String name, String value) {
      return new Spec(argv, setup, Map.of(name, value), ports, bundleHash);
    }

    Spec withPorts(String... p) {
      return new Spec(argv, setup, env, List.of(p), bundleHash);
    }

    Spec withBundle(String hash) {
      return new Spec(argv, setup, env, ports, hash);
    }

    JobSpec submitted() {
      return new JobSpec(JobId.root("j"), argv, Resources.of(1, 0), 1, env, ports, List.of(), "", 0, 0, 100, 0, 0,
          setup, bundleHash, "alice");
    }

    Worker.RunTaskRequest runTask() {
      return Worker.RunTaskRequest.newBuilder().setTaskId(TASK.toString()).setJobId("j").setNumTasks(1)
          .setEntrypoint(CommandEntrypoint.newBuilder().addAllArgv(argv))
          .setEnvironment(EnvironmentConfig.newBuilder().putAllEnvVars(env).addAllSetupCommand(setup))
          .addAllPorts(ports).setBundleHash(bundleHash).build();
    }
  }

  static Stream<Arguments> refusedSpecs() {
    Spec ok = Spec.valid();
    return Stream.of(
        Arguments.of("no command", ok.withArgv()),
        Arguments.of("blank program", ok.withArgv(" ", "x")),
        Arguments.of("NUL in an argument", ok.withArgv("echo", "a\0b")),
        Arguments.of("huge command", ok.withArgv("echo", "x".repeat(256 * 1024))),
        Arguments.of("blank setup program", ok.withSetup("")),
        Arguments.of("NUL in setup", ok.withSetup("pip", "\0")),
        Arguments.of("env name with a dash", ok.withEnv("MY-VAR", "v")),
        Arguments.of("env name with a digit first", ok.withEnv("1X", "v")),
        Arguments.of("NUL in an env value", ok.withEnv("A", "x\0")),
        Arguments.of("port name with a dash", ok.withPorts("bad-name")),
        Arguments.of("port name with a digit first", ok.withPorts("8080")),
        Arguments.of("port name of 33 characters", ok.withPorts("p" + "x".repeat(32))),
        Arguments.of("port twice, in two cases", ok.withPorts("http", "HTTP")),
        Arguments.of("short bundle hash", ok.withBundle("abc")),
        Arguments.of("uppercase bundle hash", ok.withBundle(HASH.toUpperCase())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedSpecs")
  void theWorkerRefusesWhatTheControllerRefusesWithTheSameMessage(String name, Spec spec) {
    Throwable atSubmission = catchThrowable(spec::submitted);
    assertThat(atSubmission).isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> WorkerServiceImpl.validate(spec.runTask(), TASK))
        .isInstanceOf(ValidationException.class).hasMessage(atSubmission.getMessage());
  }

  @Test
  void aValidSpecPassesBothAndTheWorkerGetsItsCommand() {
    Spec ok = Spec.valid().withBundle(HASH);
    assertThat(ok.submitted().argv()).isEqualTo(ok.argv());
    assertThat(WorkerServiceImpl.validate(ok.runTask(), TASK)).isEqualTo(ok.argv());
  }

  @Test
  void aRunTaskCarriesItsCommandOneWayOnly() {
    Worker.RunTaskRequest both = Spec.valid().runTask().toBuilder()
        .setSerializedEntrypoint(CommandEntrypoint.newBuilder().addArgv("true").build().toByteString()).build();
    assertThatThrownBy(() -> WorkerServiceImpl.validate(both, TASK)).isInstanceOf(ValidationException.class)
        .hasMessage("set either entrypoint or serialized_entrypoint, not both");
    Worker.RunTaskRequest serialized = Spec.valid().runTask().toBuilder().clearEntrypoint()
        .setSerializedEntrypoint(CommandEntrypoint.newBuilder().addArgv("true").build().toByteString()).build();
    assertThat(WorkerServiceImpl.validate(serialized, TASK)).containsExactly("true");
    Worker.RunTaskRequest garbage = serialized.toBuilder().setSerializedEntrypoint(ByteString.copyFromUtf8("\377"))
        .build();
    assertThatThrownBy(() -> WorkerServiceImpl.validate(garbage, TASK)).isInstanceOf(ValidationException.class)
        .hasMessage("serialized_entrypoint is not a serialized CommandEntrypoint");
  }
}
