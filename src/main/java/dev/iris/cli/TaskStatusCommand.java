package dev.iris.cli;

import dev.iris.cli.request.TaskStatusRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code iris task status JOB INDEX}: one task with its attempts. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    versionProvider = IrisVersion.class,
    sortOptions = false,
    description = "Show one task of a job: its state, worker, ports, resource usage and attempt history.")
final class TaskStatusCommand extends BackendCommand {
  @Parameters(index = "0", paramLabel = "JOB", description = "The job id.")
  String jobId;

  @Parameters(index = "1", paramLabel = "INDEX", description = "The task's index in the job, from 0.")
  int taskIndex;

  @Mixin ControllerOption controller;
  @Mixin TlsClientOption tls;
  @Mixin JsonOption json;

  @Override
  protected int execute(CliBackend backend, CliOutput output) throws Exception {
    FlagChecks check = check();
    TaskStatusRequest request = new TaskStatusRequest(
        tls.target(controller.address()),
        check.jobId(jobId),
        check.atLeast("INDEX", taskIndex, 0),
        json.format());
    return backend.taskStatus(request, output);
  }
}
