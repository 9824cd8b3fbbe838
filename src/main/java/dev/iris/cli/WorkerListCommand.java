package dev.iris.cli;

import dev.iris.cli.request.WorkerListRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code iris worker list}: the controller's workers. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    versionProvider = IrisVersion.class,
    sortOptions = false,
    description = {"List the workers known to the controller, with their resources and running tasks.",
        "A worker's id is its --worker-id, else the one kept in its work directory's worker-id file "
            + "(<hostname>-<random suffix>, made on its first start), so it stays the same across restarts."})
final class WorkerListCommand extends BackendCommand {
  @Mixin ControllerOption controller;
  @Mixin TlsClientOption tls;
  @Mixin JsonOption json;

  @Override
  protected int execute(CliBackend backend, CliOutput output) throws Exception {
    return backend.listWorkers(new WorkerListRequest(tls.target(controller.address()), json.format()), output);
  }
}
