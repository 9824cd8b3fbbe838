package dev.iris.cli.request;

import dev.iris.common.Tls;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code iris controller}: run a standalone controller that workers join over gRPC (or over a clustered
 * event bus, with {@code --cluster}).
 *
 * @param host the address to bind gRPC, the dashboard and its API to
 * @param port the one port for all of them; 0 picks a free one
 * @param cluster also join a clustered event bus that workers started with {@code --cluster} join
 * @param tls the port serves TLS with its certificate and key (so does the event bus, with {@code --cluster});
 *     workers (and members) are called over TLS when it has a CA; files checked
 */
public record StartControllerRequest(String host, int port, Optional<ClusterSpec> cluster, Tls tls) {

  public StartControllerRequest {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(tls, "tls");
  }

  /** The same without TLS. */
  public StartControllerRequest(String host, int port, Optional<ClusterSpec> cluster) {
    this(host, port, cluster, Tls.NONE);
  }

  /** The same without {@code --cluster} or TLS. */
  public StartControllerRequest(String host, int port) {
    this(host, port, Optional.empty());
  }
}
