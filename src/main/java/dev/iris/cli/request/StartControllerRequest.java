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
 * @param auth how callers are authenticated
 * @param maxMessageBytes the largest gRPC message the port takes
 * @param stateDir where the controller keeps its state (a journal); empty: in memory only, lost when it stops
 * @param retainFinished finished jobs remembered at most (the oldest finished forgotten first)
 * @param leaseMs the lease workers hold on their attempts (0: none; see {@link dev.iris.core.Lease})
 */
public record StartControllerRequest(String host, int port, Optional<ClusterSpec> cluster, Tls tls, AuthSpec auth,
    long maxMessageBytes, Optional<java.nio.file.Path> stateDir, long retainFinished, long leaseMs) {

  public StartControllerRequest {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(auth, "auth");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(stateDir, "stateDir");
    if (retainFinished < 1) {
      throw new IllegalArgumentException("retainFinished must be positive, was " + retainFinished);
    }
    new dev.iris.core.Lease(leaseMs); // checks it
  }

  /** The same granting the default lease. */
  public StartControllerRequest(String host, int port, Optional<ClusterSpec> cluster, Tls tls, AuthSpec auth,
      long maxMessageBytes, Optional<java.nio.file.Path> stateDir, long retainFinished) {
    this(host, port, cluster, tls, auth, maxMessageBytes, stateDir, retainFinished,
        dev.iris.core.Lease.DEFAULT.lengthMs());
  }

  /** The same remembering the default number of finished jobs. */
  public StartControllerRequest(String host, int port, Optional<ClusterSpec> cluster, Tls tls, AuthSpec auth,
      long maxMessageBytes, Optional<java.nio.file.Path> stateDir) {
    this(host, port, cluster, tls, auth, maxMessageBytes, stateDir,
        dev.iris.controller.state.StoreConfig.JobRetention.DEFAULT_FINISHED_JOBS);
  }

  /** The same keeping its state in memory only. */
  public StartControllerRequest(String host, int port, Optional<ClusterSpec> cluster, Tls tls, AuthSpec auth,
      long maxMessageBytes) {
    this(host, port, cluster, tls, auth, maxMessageBytes, Optional.empty());
  }

  /** The same without TLS, taking messages up to the default size. */
  public StartControllerRequest(String host, int port, Optional<ClusterSpec> cluster, AuthSpec auth) {
    this(host, port, cluster, Tls.NONE, auth, dev.iris.common.GrpcClients.MAX_MESSAGE_BYTES);
  }

  /** The same without {@code --cluster} or TLS. */
  public StartControllerRequest(String host, int port, AuthSpec auth) {
    this(host, port, Optional.empty(), auth);
  }
}
