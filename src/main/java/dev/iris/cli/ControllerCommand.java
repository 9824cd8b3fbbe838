package dev.iris.cli;

import dev.iris.cli.request.AuthSpec;
import dev.iris.node.ControllerNode;
import dev.iris.cli.request.StartControllerRequest;
import dev.iris.common.Tls;
import java.nio.file.Path;
import java.util.Optional;
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

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "Where the controller keeps its state (a journal of every change, fsynced before it is "
          + "acknowledged), so a restart loses nothing: default ~/.iris/state; 'none' keeps it in memory only, "
          + "lost when the controller stops. One controller at a time per directory.")
  String stateDir;

  @Option(names = "--lease", paramLabel = "DUR", converter = ValueConverters.DurationValue.class, defaultValue = "25s",
      description = "How long a worker may run its attempts without hearing from the controller (default: "
          + "${DEFAULT-VALUE}). Every acknowledged heartbeat renews it; a worker that cannot renew kills its attempts "
          + "before its lease runs out, and the controller retries the attempts of a worker that is only unreachable "
          + "(not known dead) once its lease surely ran out: after the lease plus a tenth (at least 1 s). So at most "
          + "one copy of a task runs, and a controller restart within the lease keeps every task running. 0 turns "
          + "leases off (a silent worker's attempts are retried after 5 s and may still run); at least 500ms otherwise.")
  java.time.Duration lease;

  @Mixin RetentionOption retention;

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
            ControllerNode.MAX_MESSAGE_BYTES), stateDir(check), retention.checked(check), leaseMs(check));
  }

  private long leaseMs(FlagChecks check) {
    long ms = lease.toMillis();
    if (ms != 0 && (ms < dev.iris.core.Lease.MIN_MS || ms > dev.iris.core.Lease.MAX_MS)) {
      throw check.usageError("--lease must be 0 (no leases) or between 500ms and 7 days, got " + ms + "ms");
    }
    return ms;
  }

  private Optional<Path> stateDir(FlagChecks check) {
    if ("none".equals(stateDir)) {
      return Optional.empty();
    }
    if (stateDir != null) {
      if (stateDir.isBlank()) {
        throw check.usageError("--state-dir must name a directory (or 'none')");
      }
      return Optional.of(Path.of(stateDir));
    }
    String home = IrisCommand.of(spec).environment().get("HOME");
    if (home == null || home.isBlank()) {
      throw check.usageError("HOME is not set, so there is no ~/.iris/state: give --state-dir DIR (or 'none')");
    }
    return Optional.of(Path.of(home, ".iris", "state"));
  }
}
