package dev.iris.cli.request;

import java.util.Objects;
import java.util.Optional;

/**
 * {@code iris controller}: run a standalone controller that workers join over gRPC (or over a clustered
 * event bus, with {@code --cluster}).
 *
 * @param host the address to bind gRPC, the dashboard and its API to
 * @param port the one port for all of them; 0 picks a free one
 * @param cluster also join a clustered event bus that workers started with {@code --cluster} join
 * @param auth how callers are authenticated
 */
public record StartControllerRequest(String host, int port, Optional<ClusterSpec> cluster, AuthSpec auth) {

  public StartControllerRequest {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(auth, "auth");
    Objects.requireNonNull(host, "host");
  }

  /** The same without {@code --cluster}. */
  public StartControllerRequest(String host, int port, AuthSpec auth) {
    this(host, port, Optional.empty(), auth);
  }
}
