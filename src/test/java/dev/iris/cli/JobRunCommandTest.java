package dev.iris.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.cli.parse.ConstraintExpr;
import dev.iris.cli.request.JobResources;
import dev.iris.cli.request.JobRunRequest;
import dev.iris.cli.request.JobSubmission;
import dev.iris.cli.request.OutputFormat;
import dev.iris.common.HostPort;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JobRunCommandTest {

  @Test
  void defaultsGiveAOneTaskJobThatWaits() {
    RecordingBackend backend = new RecordingBackend();

    CliRunner.Result result = CliRunner.run(backend, "job", "run", "--", "echo", "hello");

    assertThat(result.exitCode()).isZero();
    JobRunRequest request = backend.single(JobRunRequest.class);
    assertThat(request.controller().address()).isEqualTo(new HostPort("localhost", 10000));
    assertThat(request.waitForCompletion()).isTrue();
    assertThat(request.format()).isEqualTo(OutputFormat.TABLE);
    assertThat(request.reconnectTimeout()).as("rides through a controller outage this long").isEqualTo(Duration.ofMinutes(10));
    assertThat(request.job()).isEqualTo(new JobSubmission(
        Optional.empty(), List.of("echo", "hello"), 1, new JobResources(1, 0, 0, 0, Optional.empty()),
        Map.of(), List.of(), List.of(), Optional.empty(), 0, 0, 100,
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
  }

  @Test
  void everyFlagReachesTheRequest(@TempDir Path workspace) {
    RecordingBackend backend = new RecordingBackend();

    CliRunner.Result result = CliRunner.run(backend,
        "job", "run", "--name", "train", "--replicas", "4", "--cpu", "2", "--memory", "2G",
        "--disk", "1.5GiB", "--gpu", "1", "--gpu-variant", "a100", "--port", "http", "--port", "grpc",
        "--env", "MODE=fast", "--env", "URL=a=b", "--constraint", "zone in a,b", "--constraint", "cores>=8",
        "--coschedule-by", "slice", "--max-task-failures", "1", "--max-retries", "2",
        "--max-preemptions", "5", "--scheduling-timeout", "5m", "--timeout", "1h30m",
        "--workspace", workspace.toString(), "--setup", "pip install -r req.txt", "--no-wait", "--json",
        "--outage-timeout", "0",
        "--controller", "ctl:9000", "--", "python", "-u", "train.py", "--lr", "0.1");

    assertThat(result.exitCode()).as(result.err()).isZero();
    JobRunRequest request = backend.single(JobRunRequest.class);
    assertThat(request.controller().address()).isEqualTo(new HostPort("ctl", 9000));
    assertThat(request.waitForCompletion()).isFalse();
    assertThat(request.format()).isEqualTo(OutputFormat.JSON);
    assertThat(request.reconnectTimeout()).isZero();
    JobSubmission job = request.job();
    assertThat(job.name()).contains("train");
    assertThat(job.command()).containsExactly("python", "-u", "train.py", "--lr", "0.1");
    assertThat(job.replicas()).isEqualTo(4);
    assertThat(job.resources()).isEqualTo(new JobResources(2, 2L << 30, 3L << 29, 1, Optional.of("a100")));
    assertThat(job.ports()).containsExactly("http", "grpc");
    assertThat(job.env()).containsExactly(Map.entry("MODE", "fast"), Map.entry("URL", "a=b"));
    assertThat(job.constraints()).containsExactly(
        ConstraintExpr.parse("zone in a,b"), ConstraintExpr.parse("cores>=8"));
    assertThat(job.coscheduleBy()).contains("slice");
    assertThat(job.maxTaskFailures()).isEqualTo(1);
    assertThat(job.maxRetriesFailure()).isEqualTo(2);
    assertThat(job.maxRetriesPreemption()).isEqualTo(5);
    assertThat(job.schedulingTimeout()).contains(Duration.ofMinutes(5));
    assertThat(job.timeout()).contains(Duration.ofMinutes(90));
    assertThat(job.workspace()).contains(workspace);
    assertThat(job.setup()).contains("pip install -r req.txt");
  }

  @Test
  void theCommandMayComeWithoutTheDoubleDash() {
    RecordingBackend backend = new RecordingBackend();

    CliRunner.run(backend, "job", "run", "--replicas", "2", "python", "-u", "x.py", "--replicas", "9");

    JobSubmission job = backend.single(JobRunRequest.class).job();
    assertThat(job.replicas()).isEqualTo(2);
    assertThat(job.command()).containsExactly("python", "-u", "x.py", "--replicas", "9");
  }

  @Test
  void theControllerComesFromTheEnvironmentWhenNotGiven() {
    RecordingBackend backend = new RecordingBackend();

    CliRunner.run(backend, Map.of("IRIS_CONTROLLER_ADDRESS", "10.1.2.3:7000"), "job", "run", "--", "x");

    assertThat(backend.single(JobRunRequest.class).controller().address()).isEqualTo(new HostPort("10.1.2.3", 7000));
  }

  @Test
  void aMalformedControllerInTheEnvironmentIsAUsageError() {
    CliRunner.run(new RecordingBackend(), Map.of("IRIS_CONTROLLER_ADDRESS", "nohost"), "job", "run", "--", "x")
        .assertUsageError("iris job run", "invalid IRIS_CONTROLLER_ADDRESS: 'nohost' has no port");
  }

  @ParameterizedTest(name = "job run {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "--replicas abc -- x          | invalid value for option '--replicas': 'abc' is not an int",
        "--replicas 0 -- x            | --replicas must be 1..10000, got 0",
        "--replicas 10001 -- x        | --replicas must be 1..10000, got 10001",
        "--replicas -3 -- x           | --replicas must be 1..10000, got -3",
        "--memory 2Q -- x             | invalid value for option '--memory': '2Q' has an unknown unit 'q'",
        "--memory -1G -- x            | invalid value for option '--memory': '-1G' is negative",
        "--disk lots -- x             | invalid value for option '--disk': 'lots' is not a size",
        "''                           | missing the command to run; put it after '--'",
        "--replicas 2 --              | missing the command to run; put it after '--'",
        "--cpu -1 -- x                | --cpu must be at least 0, got -1",
        "--gpu -1 -- x                | --gpu must be at least 0, got -1",
        "--gpu-variant a100 -- x      | --gpu-variant a100 needs --gpu N",
        "--port 9http -- x            | --port '9http' must be letters, digits and '_'",
        "--port http --port http -- x | --port http is given twice",
        "--env MODE -- x              | invalid value for option '--env' (K=V): 'MODE' is not KEY=VALUE",
        "--env 1X=2 -- x              | --env '1X=2': '1X' is not a variable name",
        "--env A=1 --env A=2 -- x     | --env A is given twice",
        "--constraint cores>abc -- x  | invalid value for option '--constraint' (EXPR): 'cores>abc' compares with 'abc'",
        "--coschedule-by 'a b' -- x   | --coschedule-by 'a b' is not an attribute key",
        "--max-task-failures -1 -- x  | --max-task-failures must be at least 0, got -1",
        "--max-retries -1 -- x        | --max-retries must be at least 0, got -1",
        "--max-preemptions -2 -- x    | --max-preemptions must be at least 0, got -2",
        "--timeout forever -- x       | invalid value for option '--timeout': 'forever' is not a duration",
        "--timeout 250ms -- x         | --timeout must be at least 1s, got 250ms",
        "--scheduling-timeout 0 -- x  | --scheduling-timeout must be at least 1s, got 0",
        "--timeout 100000d -- x       | --timeout 100000d is too long",
        "--workspace /no/such/dir -- x | --workspace /no/such/dir: no such directory",
        "--setup ' ' -- x             | --setup must not be empty",
        "--name a/b -- x              | --name 'a/b' must be non-empty without '/' or whitespace",
        "--controller nohost -- x     | invalid value for option '--controller': 'nohost' has no port",
        "--controller h:0 -- x        | 'h:0' has port 0; a port must be 1..65535",
        "--replicas                   | missing required parameter for option '--replicas' (N)",
        "--no-such-flag -- x          | unknown option: '--no-such-flag'",
      })
  void badFlagsAreOneLineUsageErrors(String args, String fragment) {
    RecordingBackend backend = new RecordingBackend();

    CliRunner.run(backend, split(args)).assertUsageError("iris job run", fragment);

    assertThat(backend.requests).as("the backend is not called").isEmpty();
  }

  @Test
  void aWorkspaceThatIsAFileIsRejected(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("f.txt"), "x");
    CliRunner.run(new RecordingBackend(), "job", "run", "--workspace", file.toString(), "--", "x")
        .assertUsageError("iris job run", "--workspace " + file + ": no such directory");
  }

  /** {@code job run} followed by {@code args} split on spaces, single quotes grouping words. */
  private static String[] split(String args) {
    List<String> argv = new ArrayList<>(List.of("job", "run"));
    var matcher = java.util.regex.Pattern.compile("'([^']*)'|(\\S+)").matcher(args);
    while (matcher.find()) {
      argv.add(matcher.group(1) != null ? matcher.group(1) : matcher.group(2));
    }
    return argv.toArray(String[]::new);
  }
}
