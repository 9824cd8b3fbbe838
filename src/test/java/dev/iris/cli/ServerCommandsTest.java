package dev.iris.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.cli.parse.PortRange;
import dev.iris.cli.request.ClusterSpec;
import dev.iris.cli.request.AuthSpec;
import dev.iris.cli.request.ControllerTarget;
import dev.iris.cli.request.StartControllerRequest;
import dev.iris.cli.request.StartLocalClusterRequest;
import dev.iris.cli.request.StartWorkerRequest;
import dev.iris.common.HostPort;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code local}, {@code controller} and {@code worker} validate their flags into start requests. */
class ServerCommandsTest {
  private static final AuthSpec AUTH = new AuthSpec(true, CliRunner.DEFAULT_TOKEN_FILE, Optional.empty());
  private final RecordingBackend backend = new RecordingBackend();

  @Test
  void localDefaults() {
    run("local");
    assertThat(backend.single(StartLocalClusterRequest.class))
        .isEqualTo(new StartLocalClusterRequest("127.0.0.1", 10000, 2, false, Optional.empty(), AUTH));
  }

  @Test
  void localWithFlags(@TempDir Path dir) {
    Path workDir = dir.resolve("not-yet-created");
    run("local", "--workers", "4", "--port", "0", "--host", "0.0.0.0", "--insecure", "--demo", "--work-dir",
        workDir.toString());
    assertThat(backend.single(StartLocalClusterRequest.class))
        .isEqualTo(new StartLocalClusterRequest("0.0.0.0", 0, 4, true, Optional.of(workDir), AUTH));
  }

  @Test
  void controllerDefaultsAndFlags() {
    run("controller");
    run("controller", "--host", "127.0.0.1", "--port", "12000");
    assertThat(backend.requests).containsExactly(
        inDefaultStateDir(new StartControllerRequest("127.0.0.1", 10000, AUTH)),
        inDefaultStateDir(new StartControllerRequest("127.0.0.1", 12000, AUTH)));
  }

  private static StartControllerRequest inDefaultStateDir(StartControllerRequest r) {
    return new StartControllerRequest(r.host(), r.port(), r.cluster(), r.tls(), r.auth(), r.maxMessageBytes(),
        Optional.of(Path.of(CliRunner.HOME, ".iris", "state")));
  }

  @Test
  void controllerStateDirFlag(@TempDir Path dir) {
    run("controller", "--state-dir", dir.toString());
    run("controller", "--state-dir", "none");
    assertThat(backend.requests).extracting(r -> ((StartControllerRequest) r).stateDir())
        .containsExactly(Optional.of(dir), Optional.empty());
  }

  @Test
  void retainFinishedOnControllerAndLocal() {
    run("controller");
    run("controller", "--retain-finished", "500");
    run("local", "--retain-finished", "7");
    assertThat(((StartControllerRequest) backend.requests.get(0)).retainFinished()).isEqualTo(10_000);
    assertThat(((StartControllerRequest) backend.requests.get(1)).retainFinished()).isEqualTo(500);
    assertThat(((StartLocalClusterRequest) backend.requests.get(2)).retainFinished()).isEqualTo(7);
    CliRunner.run(backend, "controller", "--retain-finished", "0")
        .assertUsageError("iris controller", "--retain-finished must be 1..100000000, got 0");
    CliRunner.run(backend, "local", "--retain-finished", "-3")
        .assertUsageError("iris local", "--retain-finished must be 1..100000000, got -3");
  }

  @Test
  void workerDefaultsDetectResources() {
    run("worker");
    assertThat(backend.single(StartWorkerRequest.class)).isEqualTo(new StartWorkerRequest(
        ControllerTarget.plaintext(new HostPort("localhost", 10000)), "127.0.0.1", 10001, Optional.empty(), OptionalInt.empty(),
        OptionalLong.empty(), OptionalLong.empty(), Map.of(), Optional.empty(), Optional.empty()));
  }

  @Test
  void workerWithFlags(@TempDir Path workDir) {
    run("worker", "--controller", "ctl:10000", "--host", "10.0.0.7", "--insecure", "--port", "10002",
        "--work-dir", workDir.toString(), "--cpu", "8", "--memory", "16G", "--disk", "100G",
        "--attribute", "zone=a", "--attribute", "slice=s1", "--worker-id", "w-7", "--task-ports", "31000-31999");
    StartWorkerRequest request = backend.single(StartWorkerRequest.class);
    assertThat(request).isEqualTo(new StartWorkerRequest(
        ControllerTarget.plaintext(new HostPort("ctl", 10000)), "10.0.0.7", 10002, Optional.of(workDir), OptionalInt.of(8),
        OptionalLong.of(16L << 30), OptionalLong.of(100L << 30), Map.of("zone", "a", "slice", "s1"),
        Optional.of("w-7"), Optional.of(new PortRange(31000, 31999))));
    assertThat(request.attributes().keySet()).containsExactly("zone", "slice");
  }

  @Test
  void workerKeepsTaskDirsOnlyWhenAsked() {
    run("worker");
    run("worker", "--keep-task-dirs", "10m");
    assertThat(backend.requests).extracting(r -> ((StartWorkerRequest) r).keepTaskDirs())
        .containsExactly(Duration.ZERO, Duration.ofMinutes(10));
  }

  @Test
  void clusterFlagsOnControllerAndWorker() {
    run("controller", "--host", "10.0.0.1", "--insecure", "--cluster", "--cluster-members",
        "10.0.0.1:5701,10.0.0.2:5701");
    run("worker", "--host", "10.0.0.2", "--insecure", "--cluster", "--cluster-host", "10.0.0.9", "--cluster-port", "5801",
        "--cluster-members", "10.0.0.1:5701");
    List<HostPort> both = List.of(new HostPort("10.0.0.1", 5701), new HostPort("10.0.0.2", 5701));
    assertThat(backend.requests).hasSize(2);
    assertThat(((StartControllerRequest) backend.requests.get(0)).cluster())
        .contains(new ClusterSpec("10.0.0.1", 5701, both));
    assertThat(((StartWorkerRequest) backend.requests.get(1)).cluster())
        .contains(new ClusterSpec("10.0.0.9", 5801, List.of(new HostPort("10.0.0.1", 5701))));
  }

  @Test
  void withoutClusterNoClusterIsJoined() {
    run("controller");
    assertThat(backend.single(StartControllerRequest.class).cluster()).isEmpty();
  }

  @Test
  void workerListDoesNotStartAWorker() {
    run("worker", "list");
    assertThat(backend.requests).singleElement().isNotInstanceOf(StartWorkerRequest.class);
  }

  @ParameterizedTest(name = "iris {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "local --workers 0              | iris local      | --workers must be 1..256, got 0",
        "local --workers many           | iris local      | invalid value for option '--workers': 'many' is not an int",
        "local --port 70000             | iris local      | --port must be 0..65535, got 70000",
        "local --host ''                | iris local      | --host '' is not a host name or address",
        "local --no-auth --host 0.0.0.0 | iris local      | --host 0.0.0.0 lets other machines reach this port, and callers are not authenticated: anyone who reaches it can run commands. Use a token",
        "controller --max-message-size 1M | iris controller | --max-message-size must be 4 MiB..1 GiB, got 1 MiB",
        "controller --no-auth --host 10.1.2.3 | iris controller | --host 10.1.2.3 lets other machines reach this port",
        "controller --no-auth --token-file t | iris controller | --no-auth cannot be combined with --token-file or --users-file",
        "worker --host 0.0.0.0          | iris worker     | --host 0.0.0.0 lets other machines reach this port",
        "worker --cluster --cluster-host 10.0.0.9 | iris worker | --cluster-host 10.0.0.9 lets other machines reach this port",
        "controller --port -1           | iris controller | --port must be 0..65535, got -1",
        "worker --controller nope       | iris worker     | 'nope' has no port",
        "worker --cpu 0                 | iris worker     | --cpu must be at least 1, got 0",
        "worker --memory 0              | iris worker     | --memory must be more than 0, got 0",
        "worker --disk 2Q               | iris worker     | '2Q' has an unknown unit 'q'",
        "worker --attribute zone        | iris worker     | 'zone' is not KEY=VALUE",
        "worker --attribute z@=a        | iris worker     | --attribute 'z@' is not an attribute key",
        "worker --attribute a=1 --attribute a=2 | iris worker | --attribute a is given twice",
        "worker --worker-id -w          | iris worker     | --worker-id '-w' must be letters, digits",
        "worker --port 65536            | iris worker     | --port must be 0..65535, got 65536",
        "worker --task-ports 40000-30000 | iris worker    | '40000-30000' starts above its end",
        "worker --keep-task-dirs -5s    | iris worker     | '-5s' is negative; a duration must be 0 or more",
        "worker --keep-task-dirs soon   | iris worker     | 'soon' is not a duration",
        "controller --cluster-port 5701 | iris controller | --cluster-host, --cluster-port and --cluster-members need --cluster",
        "worker --cluster-members a:1   | iris worker     | --cluster-host, --cluster-port and --cluster-members need --cluster",
        "worker --cluster --cluster-port 0 | iris worker  | --cluster-port must be 1..65535, got 0",
        "worker --cluster --cluster-members nope | iris worker | 'nope' has no port",
        "controller --cluster --cluster-host '' | iris controller | --cluster-host '' is not a host name or address",
      })
  void badFlagsAreOneLineUsageErrors(String args, String command, String fragment) {
    String[] argv = args.replace("''", "\u0000").split(" ");
    for (int i = 0; i < argv.length; i++) {
      argv[i] = argv[i].replace("\u0000", "");
    }
    CliRunner.run(backend, argv).assertUsageError(command, fragment);
    assertThat(backend.requests).isEmpty();
  }

  @Test
  void aWorkDirThatIsAFileIsRejected(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("f"), "x");
    CliRunner.run(backend, "local", "--work-dir", file.toString())
        .assertUsageError("iris local", "--work-dir " + file + " is a file, not a directory");
  }

  private void run(String... args) {
    CliRunner.Result result = CliRunner.run(backend, args);
    assertThat(result.exitCode()).as("stderr: %s", result.err()).isZero();
  }
}
