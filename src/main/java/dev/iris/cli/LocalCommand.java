package dev.iris.cli;

import dev.iris.cli.request.AuthSpec;
import dev.iris.cli.request.StartLocalClusterRequest;
import dev.iris.common.Tls;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code iris local}: the embedded default, a controller and N workers in one JVM. */
@Command(
    name = "local",
    mixinStandardHelpOptions = true,
    versionProvider = IrisVersion.class,
    sortOptions = false,
    description = {
      "Run a controller and N workers in this process (the embedded default).",
      "They talk over the local event bus. Prints the dashboard URL; Ctrl+C stops everything and "
          + "leaves no process behind."
    })
final class LocalCommand extends BackendCommand {
  /** The most in-process workers {@code iris local} starts. */
  static final int MAX_WORKERS = 256;

  @Option(names = "--workers", paramLabel = "N", defaultValue = "2",
      description = "Number of in-process workers, 1.." + MAX_WORKERS + " (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "10000",
      description = "Port for gRPC and the dashboard; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
      description = "Address to bind to (default: ${DEFAULT-VALUE}); with --no-auth and no TLS, another than a "
          + "loopback address needs --insecure.")
  String host;

  @Mixin AuthOptions auth;

  @Mixin ExposureOption exposure;

  @Mixin TlsServerOptions tlsOptions;

  @Option(names = "--demo",
      description = "Submit a small multi-replica job once the cluster is up, so there is something to see.")
  boolean demo;

  @Option(names = "--work-dir", paramLabel = "DIR",
      description = "Where workers keep task directories and logs, and the controller its state (DIR/state), so a "
          + "restart on the same DIR shows the earlier jobs (default: a fresh temporary directory, "
          + "deleted when the cluster stops).")
  Path workDir;

  @Mixin RetentionOption retention;

  @Override
  protected int execute(CliBackend backend, CliOutput output) throws Exception {
    return backend.startLocalCluster(request(), output);
  }

  StartLocalClusterRequest request() {
    FlagChecks check = check();
    AuthSpec authSpec = auth.spec(check);
    Tls tls = tlsOptions.tls(check);
    return new StartLocalClusterRequest(
        exposure.check(check, "--host", check.host("--host", host), authSpec.enabled(), tls),
        check.listenPort("--port", port),
        check.inRange("--workers", workers, 1, MAX_WORKERS),
        demo,
        Optional.ofNullable(workDir).map(dir -> check.directoryOrAbsent("--work-dir", dir)),
        tls, authSpec, retention.checked(check));
  }
}
