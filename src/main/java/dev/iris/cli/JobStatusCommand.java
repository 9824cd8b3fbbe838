package dev.iris.cli;

import dev.iris.cli.request.JobStatusRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code iris job status JOB}: one job, optionally with its tasks. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    versionProvider = IrisVersion.class,
    sortOptions = false,
    description = "Show a job: its state, task counts per state, failures, preemptions and error.")
final class JobStatusCommand extends BackendCommand {
  @Parameters(index = "0", paramLabel = "JOB", description = "The job id.")
  String jobId;

  @Option(names = "--tasks", description = "Also list the job's tasks.")
  boolean includeTasks;

  @Mixin ControllerOption controller;
  @Mixin TlsClientOption tls;
  @Mixin JsonOption json;

  @Override
  protected int execute(CliBackend backend, CliOutput output) throws Exception {
    JobStatusRequest request = new JobStatusRequest(
        tls.target(controller.address()), check().jobId(jobId), includeTasks, json.format());
    return backend.jobStatus(request, output);
  }
}
