package dev.iris.cli;

import dev.iris.cli.request.ClusterSpec;
import dev.iris.common.HostPort;
import dev.iris.worker.WorkerConfig;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The {@code --cluster} options of {@code iris controller} and {@code iris worker}: join a Vert.x event bus
 * clustered over Hazelcast, members listed explicitly.
 */
final class ClusterOptions {
  static final int DEFAULT_PORT = 5701;

  @Option(names = "--cluster",
      description = "Join a clustered event bus (Hazelcast): a worker then reaches the controller, and the "
          + "controller the worker, over it instead of gRPC.")
  boolean enabled;

  @Option(names = "--cluster-host", paramLabel = "HOST",
      description = "Address the cluster binds to and advertises (default: --host, or this machine's address "
          + "when --host is 0.0.0.0).")
  String host;

  @Option(names = "--cluster-port", paramLabel = "PORT",
      description = "Cluster port (default: " + DEFAULT_PORT + ").")
  Integer port;

  @Option(names = "--cluster-members", paramLabel = "HOST:PORT", split = ",",
      converter = ValueConverters.Address.class,
      description = "The members to join, comma-separated, e.g. 10.0.0.1:5701,10.0.0.2:5701 (default: none; "
          + "this member founds the cluster).")
  List<HostPort> members = List.of();

  /** The cluster to join, or empty without {@code --cluster}; {@code bindHost} is the command's --host. */
  Optional<ClusterSpec> spec(FlagChecks check, String bindHost) {
    if (!enabled) {
      if (host != null || port != null || !members.isEmpty()) {
        throw check.usageError("--cluster-host, --cluster-port and --cluster-members need --cluster");
      }
      return Optional.empty();
    }
    String clusterHost = host != null ? check.host("--cluster-host", host) : WorkerConfig.advertiseHostFor(bindHost);
    int clusterPort = port == null ? DEFAULT_PORT : check.inRange("--cluster-port", port, 1, 65535);
    return Optional.of(new ClusterSpec(clusterHost, clusterPort, members));
  }
}
