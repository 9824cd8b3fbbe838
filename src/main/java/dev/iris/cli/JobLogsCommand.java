package dev.iris.cli;

import dev.iris.cli.request.JobLogsRequest;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code iris job logs JOB}: the logs of a job's tasks. */
@Command(
    name = "logs",
    mixinStandardHelpOptions = true,
    versionProvider = IrisVersion.class,
    sortOptions = false,
    description = {
      "Print the logs of a job's tasks.",
      "Each line is prefixed with its task ([task-0] ...), unless --task picks one task."
    })
final class JobLogsCommand extends BackendCommand {
  @Parameters(index = "0", paramLabel = "JOB", description = "The job id.")
  String jobId;

  @Option(names = "--task", paramLabel = "I", description = "Only task I's lines (from 0), without prefix.")
  Integer taskIndex;

  @Option(names = {"-f", "--follow"}, description = "Keep printing new lines until the job ends.")
  boolean follow;

  @Option(names = "--since", paramLabel = "DUR", converter = ValueConverters.DurationValue.class,
      description = "Only lines from the last DUR, e.g. 30s, 5m, 1h30m.")
  Duration since;

  @Option(names = "--grep", paramLabel = "RE", description = "Only lines matching the regular expression RE.")
  String grep;

  @Mixin ReconnectOption reconnect;
  @Mixin ControllerOption controller;
  @Mixin TlsClientOption tls;

  @Override
  protected int execute(CliBackend backend, CliOutput output) throws Exception {
    FlagChecks check = check();
    JobLogsRequest request = new JobLogsRequest(
        tls.target(controller.address()),
        check.jobId(jobId),
        taskIndex == null ? OptionalInt.empty() : OptionalInt.of(check.atLeast("--task", taskIndex, 0)),
        follow,
        Optional.ofNullable(since),
        Optional.ofNullable(grep).map(regex -> check.regex("--grep", regex)),
        reconnect.giveUpAfter());
    return backend.jobLogs(request, output);
  }
}
