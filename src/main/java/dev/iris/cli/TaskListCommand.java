package dev.iris.cli;

import dev.iris.cli.request.TaskListRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code iris task list JOB}: the tasks of a job. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    versionProvider = IrisVersion.class,
    sortOptions = false,
    description = "List the tasks of a job with their state, worker, attempts and exit code.")
final class TaskListCommand extends BackendCommand {
  @Parameters(index = "0", paramLabel = "JOB", description = "The job id.")
  String jobId;

  @Mixin ControllerOption controller;
  @Mixin TlsClientOption tls;
  @Mixin JsonOption json;

  @Override
  protected int execute(CliBackend backend, CliOutput output) throws Exception {
    return backend.listTasks(
        new TaskListRequest(tls.target(controller.address()), check().jobId(jobId), json.format()), output);
  }
}
