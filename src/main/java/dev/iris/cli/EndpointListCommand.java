package dev.iris.cli;

import dev.iris.cli.request.EndpointListRequest;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code iris endpoint list}: registered endpoints, optionally by name prefix. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    versionProvider = IrisVersion.class,
    sortOptions = false,
    description = "List endpoints registered by running tasks (name, address, job).")
final class EndpointListCommand extends BackendCommand {
  @Option(names = "--prefix", paramLabel = "P", description = "Only endpoints whose name starts with P.")
  String prefix;

  @Mixin ControllerOption controller;
  @Mixin TlsClientOption tls;
  @Mixin JsonOption json;

  @Override
  protected int execute(CliBackend backend, CliOutput output) throws Exception {
    return backend.listEndpoints(
        new EndpointListRequest(tls.target(controller.address()), Optional.ofNullable(prefix), json.format()), output);
  }
}
