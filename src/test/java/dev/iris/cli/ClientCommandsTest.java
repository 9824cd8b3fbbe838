package dev.iris.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.cli.request.ControllerTarget;
import dev.iris.cli.request.EndpointListRequest;
import dev.iris.cli.request.JobKillRequest;
import dev.iris.cli.request.JobListRequest;
import dev.iris.cli.request.JobLogsRequest;
import dev.iris.cli.request.JobStatusRequest;
import dev.iris.cli.request.OutputFormat;
import dev.iris.cli.request.TaskListRequest;
import dev.iris.cli.request.TaskStatusRequest;
import dev.iris.cli.request.WorkerListRequest;
import dev.iris.cli.request.ControllerTarget;
import dev.iris.common.HostPort;
import dev.iris.rpc.JobState;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The read and kill commands hand the backend exactly what was asked. */
class ClientCommandsTest {
  private static final ControllerTarget DEFAULT_CONTROLLER = ControllerTarget.plaintext(new HostPort("localhost", 10000));
  private static final ControllerTarget CTL = ControllerTarget.plaintext(new HostPort("ctl", 9000));

  private final RecordingBackend backend = new RecordingBackend();

  @Test
  void jobStatus() {
    run("job", "status", "train/eval", "--tasks", "--json", "--controller", "ctl:9000");
    assertThat(backend.single(JobStatusRequest.class))
        .isEqualTo(new JobStatusRequest(CTL, "train/eval", true, OutputFormat.JSON));
  }

  @Test
  void jobStatusDefaults() {
    run("job", "status", "j1");
    assertThat(backend.single(JobStatusRequest.class))
        .isEqualTo(new JobStatusRequest(DEFAULT_CONTROLLER, "j1", false, OutputFormat.TABLE));
  }

  @Test
  void jobList() {
    run("job", "list", "--state", "JOB_STATE_RUNNING", "--prefix", "train/", "--json");
    assertThat(backend.single(JobListRequest.class)).isEqualTo(new JobListRequest(
        DEFAULT_CONTROLLER, Optional.of(JobState.JOB_STATE_RUNNING), Optional.of("train/"), OutputFormat.JSON));
  }

  @Test
  void jobListWithoutFilters() {
    run("job", "list");
    assertThat(backend.single(JobListRequest.class)).isEqualTo(new JobListRequest(
        DEFAULT_CONTROLLER, Optional.empty(), Optional.empty(), OutputFormat.TABLE));
  }

  @Test
  void jobLogs() {
    run("job", "logs", "j1", "--task", "3", "--follow", "--since", "5m", "--grep", "err(or)?", "--outage-timeout", "90s");
    JobLogsRequest request = backend.single(JobLogsRequest.class);
    assertThat(request.reconnectTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(request.jobId()).isEqualTo("j1");
    assertThat(request.taskIndex()).isEqualTo(OptionalInt.of(3));
    assertThat(request.follow()).isTrue();
    assertThat(request.since()).contains(Duration.ofMinutes(5));
    assertThat(request.grep()).hasValueSatisfying(re -> assertThat(re.pattern()).isEqualTo("err(or)?"));
  }

  @Test
  void jobLogsDefaults() {
    run("job", "logs", "j1");
    JobLogsRequest request = backend.single(JobLogsRequest.class);
    assertThat(request.taskIndex()).isEmpty();
    assertThat(request.follow()).isFalse();
    assertThat(request.since()).isEmpty();
    assertThat(request.grep()).isEmpty();
    assertThat(request.reconnectTimeout()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void jobKill() {
    run("job", "kill", "j1", "--controller", "ctl:9000");
    assertThat(backend.single(JobKillRequest.class)).isEqualTo(new JobKillRequest(CTL, "j1"));
  }

  @Test
  void taskList() {
    run("task", "list", "j1", "--json");
    assertThat(backend.single(TaskListRequest.class))
        .isEqualTo(new TaskListRequest(DEFAULT_CONTROLLER, "j1", OutputFormat.JSON));
  }

  @Test
  void taskStatus() {
    run("task", "status", "j1", "7");
    assertThat(backend.single(TaskStatusRequest.class))
        .isEqualTo(new TaskStatusRequest(DEFAULT_CONTROLLER, "j1", 7, OutputFormat.TABLE));
  }

  @Test
  void workerList() {
    run("worker", "list", "--json", "--controller", "ctl:9000");
    assertThat(backend.single(WorkerListRequest.class)).isEqualTo(new WorkerListRequest(CTL, OutputFormat.JSON));
  }

  @Test
  void endpointList() {
    run("endpoint", "list", "--prefix", "j1/");
    assertThat(backend.single(EndpointListRequest.class)).isEqualTo(
        new EndpointListRequest(DEFAULT_CONTROLLER, Optional.of("j1/"), OutputFormat.TABLE));
  }

  @Test
  void environmentControllerAppliesToEveryClientCommand() {
    Map<String, String> env = Map.of("IRIS_CONTROLLER_ADDRESS", "ctl:9000");
    CliRunner.run(backend, env, "worker", "list");
    CliRunner.run(backend, env, "endpoint", "list");
    CliRunner.run(backend, env, "job", "kill", "j1");
    assertThat(backend.requests).hasSize(3);
    assertThat(((WorkerListRequest) backend.requests.get(0)).controller()).isEqualTo(CTL);
    assertThat(((EndpointListRequest) backend.requests.get(1)).controller()).isEqualTo(CTL);
    assertThat(((JobKillRequest) backend.requests.get(2)).controller()).isEqualTo(CTL);
  }

  @Test
  void theFlagBeatsTheEnvironment() {
    CliRunner.run(backend, Map.of("IRIS_CONTROLLER_ADDRESS", "env:1"), "job", "kill", "j1", "--controller", "ctl:9000");
    assertThat(backend.single(JobKillRequest.class).controller()).isEqualTo(CTL);
  }

  @ParameterizedTest(name = "iris {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "job list --state runing         | iris job list    | invalid value for option '--state': 'runing' is not a job state; use one of pending,",
        "job logs j1 --task -1           | iris job logs    | --task must be at least 0, got -1",
        "job logs j1 --task x            | iris job logs    | invalid value for option '--task': 'x' is not an int",
        "job logs j1 --since soon        | iris job logs    | invalid value for option '--since': 'soon' is not a duration",
        "job logs j1 --grep (            | iris job logs    | --grep: regex '(' is not valid: missing closing )",
        "job logs                        | iris job logs    | missing required parameter: 'JOB'",
        "task status j1                  | iris task status | missing required parameter: 'INDEX'",
        "task list                       | iris task list   | missing required parameter: 'JOB'",
        "worker list --controller x:y    | iris worker list | 'x:y' has port 'y', which is not a number",
        "endpoint list extra             | iris endpoint list | unexpected argument: 'extra'",
      })
  void badFlagsAreOneLineUsageErrors(String args, String command, String fragment) {
    CliRunner.run(backend, args.split(" ")).assertUsageError(command, fragment);
    assertThat(backend.requests).isEmpty();
  }

  @Test
  void aJobIdWithWhitespaceIsRejected() {
    CliRunner.run(backend, "job", "status", "a b").assertUsageError("iris job status", "JOB 'a b' is not a job id");
  }

  private void run(String... args) {
    CliRunner.Result result = CliRunner.run(backend, args);
    assertThat(result.exitCode()).as("stderr: %s", result.err()).isZero();
  }
}
