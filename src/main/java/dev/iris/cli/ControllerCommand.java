package dev.iris.cli;

import dev.iris.cli.request.AuthSpec;
import dev.iris.node.ControllerNode;
import dev.iris.cli.request.StartControllerRequest;
import dev.iris.common.Tls;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code iris controller}: a standalone controller process. */
@Command(
    name = "controller",
    mixinStandardHelpOptions = true,
    versionProvider = IrisVersion.class,
    sortOptions = false,
    description = {
      "Run a standalone controller.",
      "Workers started with 'iris worker --controller HOST:PORT' join it over gRPC; with --cluster, "
          + "workers started with 'iris worker --cluster' join it over a clustered event bus. gRPC, the "
          + "dashboard, its JSON API, /metrics and /health share one port."
    })
final class ControllerCommand extends BackendCommand {

  @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
      description = "Address to bind to (default: ${DEFAULT-VALUE}); with --no-auth and no TLS, another than a "
          + "loopback address needs --insecure.")
  String host;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "10000",
      description = "Port for gRPC and the dashboard; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--max-message-size", paramLabel = "SIZE", converter = ValueConverters.Size.class,
      defaultValue = "80M",
      description = "The largest gRPC message taken, 4M..1G (default: ${DEFAULT-VALUE}: a 64 MiB bundle and room); "
          + "a larger one is refused with RESOURCE_EXHAUSTED.")
  long maxMessageSize;

  @Mixin ClusterOptions cluster;

  @Mixin AuthOptions auth;

  @Mixin ExposureOption exposure;

  @Mixin TlsServerOptions.WithPeerCa tlsOptions;

  @Override
  protected int execute(CliBackend backend, CliOutput output) throws Exception {
    return backend.startController(request(), output);
  }

  StartControllerRequest request() {
    FlagChecks check = check();
    AuthSpec authSpec = auth.spec(check);
    Tls tls = tlsOptions.tls(check, cluster.enabled);
    String bindHost = exposure.check(check, "--host", check.host("--host", host), authSpec.enabled(), tls);
    return new StartControllerRequest(bindHost, check.listenPort("--port", port),
        cluster.spec(check, bindHost).map(c -> exposure.checked(check, c, tls)), tls, authSpec,
        check.inRange("--max-message-size", maxMessageSize, ControllerNode.MIN_MESSAGE_BYTES,
            ControllerNode.MAX_MESSAGE_BYTES));
  }
}
