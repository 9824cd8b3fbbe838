package dev.iris.cli.request;

import dev.iris.common.Tls;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code iris local}: run a controller and {@code workers} in-process workers in one JVM.
 *
 * @param host the address the controller (gRPC and dashboard) binds to
 * @param port the controller's port; 0 picks a free one
 * @param workers how many in-process workers, at least 1
 * @param demo whether to submit a small multi-replica job once the cluster is up
 * @param workDir where workers keep task directories; empty means a fresh temporary directory
 * @param tls the controller's port serves TLS with its certificate and key (files checked); no CA: the workers
 *     are in-process
 * @param auth how callers of the port are authenticated
 * @param retainFinished finished jobs the controller remembers at most (the oldest finished forgotten first)
 */
public record StartLocalClusterRequest(
    String host, int port, int workers, boolean demo, Optional<Path> workDir, Tls tls, AuthSpec auth,
    long retainFinished) {

  public StartLocalClusterRequest {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(workDir, "workDir");
    Objects.requireNonNull(auth, "auth");
    Objects.requireNonNull(tls, "tls");
    if (retainFinished < 1) {
      throw new IllegalArgumentException("retainFinished must be positive, was " + retainFinished);
    }
  }

  /** The same remembering the default number of finished jobs. */
  public StartLocalClusterRequest(String host, int port, int workers, boolean demo, Optional<Path> workDir, Tls tls,
      AuthSpec auth) {
    this(host, port, workers, demo, workDir, tls, auth,
        dev.iris.controller.state.StoreConfig.JobRetention.DEFAULT_FINISHED_JOBS);
  }

  /** The same without TLS. */
  public StartLocalClusterRequest(String host, int port, int workers, boolean demo, Optional<Path> workDir,
      AuthSpec auth) {
    this(host, port, workers, demo, workDir, Tls.NONE, auth);
  }
}
