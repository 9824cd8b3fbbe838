package dev.iris.cli;

import dev.iris.cli.request.JobKillRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code iris job kill JOB}: terminate a job. */
@Command(
    name = "kill",
    mixinStandardHelpOptions = true,
    versionProvider = IrisVersion.class,
    sortOptions = false,
    description = "Kill a job: its unfinished tasks are killed, and so are its child jobs.")
final class JobKillCommand extends BackendCommand {
  @Parameters(index = "0", paramLabel = "JOB", description = "The job id.")
  String jobId;

  @Mixin ControllerOption controller;
  @Mixin TlsClientOption tls;

  @Override
  protected int execute(CliBackend backend, CliOutput output) throws Exception {
    return backend.killJob(new JobKillRequest(tls.target(controller.address()), check().jobId(jobId)), output);
  }
}
