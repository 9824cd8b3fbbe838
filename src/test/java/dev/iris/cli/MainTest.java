package dev.iris.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MainTest {

  @Test
  void helpListsEverySubcommand() {
    CliRunner.Result result = CliRunner.run("--help");

    assertThat(result.exitCode()).isZero();
    assertThat(result.err()).isEmpty();
    assertThat(result.out()).startsWith("Usage: iris ");
    for (String command : new String[] {"local", "controller", "worker", "job", "task", "endpoint", "version"}) {
      assertThat(result.out()).containsPattern("(?m)^  " + command + " ");
    }
  }

  @Test
  void groupHelpListsTheirSubcommands() {
    assertThat(CliRunner.run("job", "--help").out())
        .contains("  run ", "  status ", "  list ", "  logs ", "  kill ");
    assertThat(CliRunner.run("task", "--help").out()).contains("  list ", "  status ");
    assertThat(CliRunner.run("worker", "--help").out()).contains("  list ", "'iris worker list'");
    assertThat(CliRunner.run("endpoint", "--help").out()).contains("  list ");
  }

  @ParameterizedTest(name = "iris {0}")
  @ValueSource(strings = {"version", "--version", "-V", "job --version"})
  void versionPrintsTheVersionAndExitsZero(String args) {
    CliRunner.Result result = CliRunner.run(args.split(" "));

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).matches("iris \\S+\\R").isEqualTo(IrisVersion.line() + System.lineSeparator());
    assertThat(result.err()).isEmpty();
  }

  @Test
  void versionFallsBackToDevWithoutAJarManifest() {
    assertThat(IrisVersion.get()).isEqualTo(IrisVersion.DEVELOPMENT);
  }

  @ParameterizedTest(name = "iris {0} --help")
  @ValueSource(strings = {
    "local", "controller", "worker", "worker list", "job", "job run", "job status", "job list",
    "job logs", "job kill", "task", "task list", "task status", "endpoint", "endpoint list", "version"
  })
  void everyCommandHasHelp(String command) {
    CliRunner.Result result = CliRunner.run((command + " --help").split(" "));

    assertThat(result.exitCode()).isZero();
    assertThat(result.err()).isEmpty();
    assertThat(result.out()).startsWith("Usage: iris " + command + " ").contains("--help");
  }

  @Test
  void helpSubcommandShowsACommandsHelp() {
    CliRunner.Result result = CliRunner.run("help", "job");
    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).startsWith("Usage: iris job ");
  }

  @ParameterizedTest(name = "iris {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "local                       | 'local' is not available yet (lands with the client issue)",
        "controller                  | 'controller' is not available yet (lands with the controller issue)",
        "worker                      | 'worker' is not available yet (lands with the worker issue)",
        "worker list                 | 'worker list' is not available yet (lands with the client issue)",
        "job run -- echo hi          | 'job run' is not available yet (lands with the client issue)",
        "job status j1               | 'job status' is not available yet (lands with the client issue)",
        "job list                    | 'job list' is not available yet (lands with the client issue)",
        "job logs j1                 | 'job logs' is not available yet (lands with the client issue)",
        "job kill j1                 | 'job kill' is not available yet (lands with the client issue)",
        "task list j1                | 'task list' is not available yet (lands with the client issue)",
        "task status j1 0            | 'task status' is not available yet (lands with the client issue)",
        "endpoint list               | 'endpoint list' is not available yet (lands with the client issue)",
      })
  void commandsWithoutMachineryExitThreeWithOneLine(String args, String message) {
    CliRunner.Result result = CliRunner.run(args.split(" "));

    assertThat(result.exitCode()).isEqualTo(ExitCodes.NOT_AVAILABLE);
    assertThat(result.out()).isEmpty();
    assertThat(result.errLines()).singleElement().asString().startsWith("iris: " + message);
  }

  @ParameterizedTest(name = "iris {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "''            | iris          | missing a command; use one of: local, controller, worker, job",
        "job           | iris job      | 'job' needs a subcommand: run, status, list, logs, kill",
        "task          | iris task     | 'task' needs a subcommand: list, status",
        "endpoint      | iris endpoint | 'endpoint' needs a subcommand: list",
        "jbo           | iris          | 'jbo' is not a command of 'iris'; commands: local,",
        "job stat j1   | iris job      | 'stat' is not a command of 'iris job'",
        "worker lst    | iris worker   | 'lst' is not a command of 'iris worker' (did you mean list?); commands: list",
        "--bogus       | iris          | unknown option: '--bogus'",
        "job kill a b  | iris job kill | unexpected argument: 'b'",
        "job status    | iris job status | missing required parameter: 'JOB'",
        "task status j1 x | iris task status | invalid value for positional parameter at index 1 (INDEX): 'x' is not an int",
        "task status j1 -1 | iris task status | INDEX must be at least 0, got -1",
      })
  void usageErrorsAreOneLinePlusAHint(String args, String command, String fragment) {
    String[] argv = args.isEmpty() ? new String[0] : args.split(" ");
    CliRunner.run(argv).assertUsageError(command, fragment);
  }

  @Test
  void mistypedOptionsGetASuggestion() {
    CliRunner.run("job", "run", "--replica", "3", "--", "x")
        .assertUsageError("iris job run", "unknown option: '--replica' (did you mean --replicas?)");
  }

  @Test
  void theBackendsExitCodeIsTheProcessExitCode() {
    RecordingBackend backend = new RecordingBackend(ExitCodes.FAILURE);
    assertThat(CliRunner.run(backend, "job", "kill", "j1").exitCode()).isEqualTo(ExitCodes.FAILURE);
    assertThat(CliRunner.run(new RecordingBackend(), "job", "kill", "j1").exitCode()).isZero();
  }

  @Test
  void expectedFailuresAreOneLineWithTheirExitCode() {
    CliBackend unreachable = new NotAvailableBackend() {
      @Override
      public int jobStatus(dev.iris.cli.request.JobStatusRequest request, CliOutput output) {
        throw CliException.failure(
            "cannot reach the controller at " + request.controller(), new RuntimeException("refused"));
      }
    };

    CliRunner.Result result = CliRunner.run(unreachable, "job", "status", "j1");

    result.assertOneLineError(ExitCodes.FAILURE, "cannot reach the controller at localhost:10000");
  }

  @Test
  void unexpectedExceptionsAreOneLineWithoutStackTrace() {
    CliRunner.Result result = CliRunner.run(failingBackend(), "job", "list");

    result.assertOneLineError(
        ExitCodes.FAILURE,
        "internal error: IllegalStateException: boom (IRIS_DEBUG=1 shows the stack trace)");
  }

  @Test
  void debugModePrintsStackTraces() {
    Map<String, String> debug = Map.of("IRIS_DEBUG", "1");

    CliRunner.Result failure = CliRunner.run(failingBackend(), debug, "job", "list");
    assertThat(failure.exitCode()).isEqualTo(ExitCodes.FAILURE);
    assertThat(failure.errLines().get(0)).isEqualTo("iris: internal error: IllegalStateException: boom");
    assertThat(failure.err()).contains("\tat ");

    CliRunner.Result usage = CliRunner.run(new NotAvailableBackend(), debug, "job", "run", "--replicas", "x");
    assertThat(usage.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(usage.err()).contains("ParameterException", "\tat ");
  }

  @Test
  void publicRunUsesTheGivenStreams() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int exitCode = Main.run(
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        "version");

    assertThat(exitCode).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("iris ");
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  private static CliBackend failingBackend() {
    return new NotAvailableBackend() {
      @Override
      public int listJobs(dev.iris.cli.request.JobListRequest request, CliOutput output) {
        throw new IllegalStateException("boom");
      }
    };
  }
}
