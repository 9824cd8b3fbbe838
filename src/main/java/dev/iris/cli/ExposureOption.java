package dev.iris.cli;

import dev.iris.common.HostPort;
import dev.iris.common.Tls;
import picocli.CommandLine.Option;

/**
 * {@code --insecure}: the explicit consent to listen where other machines reach the port. Iris does not
 * authenticate callers yet, so whoever reaches a controller's or worker's port can run commands there; a
 * server binds only to a loopback address unless told so, or unless it serves TLS ({@code --tls-cert}).
 */
final class ExposureOption {
  @Option(names = "--insecure",
      description = "Listen on an address other machines reach, although Iris does not authenticate callers: "
          + "anyone who reaches the port can run commands. For a private network only.")
  boolean insecure;

  /** Refuses an address other machines reach (for {@code flag}) unless --insecure says so. */
  String check(FlagChecks check, String flag, String host) {
    if (!insecure && !HostPort.isLoopback(host)) {
      throw check.usageError(flag + " " + host + " lets other machines reach this port, and Iris does not "
          + "authenticate callers yet: anyone who reaches it can run commands. Add --insecure to accept that "
          + "(on a private network only), serve TLS (--tls-cert and --tls-key), or bind to 127.0.0.1");
    }
    return host;
  }

  /** The same, an address other machines reach being allowed without --insecure when {@code tls} serves TLS. */
  String check(FlagChecks check, String flag, String host, Tls tls) {
    return tls.serves() ? host : check(check, flag, host);
  }

  /** The same for the clustered event bus, which runs over mutual TLS when {@code tls} serves TLS. */
  dev.iris.cli.request.ClusterSpec checked(FlagChecks check, dev.iris.cli.request.ClusterSpec cluster, Tls tls) {
    return tls.serves() ? cluster : checked(check, cluster);
  }

  /** Refuses a cluster bind address other machines reach (the clustered event bus) unless --insecure. */
  dev.iris.cli.request.ClusterSpec checked(FlagChecks check, dev.iris.cli.request.ClusterSpec cluster) {
    check(check, "--cluster-host", cluster.host());
    return cluster;
  }
}
