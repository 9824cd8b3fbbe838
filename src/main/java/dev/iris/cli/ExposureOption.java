package dev.iris.cli;

import dev.iris.common.HostPort;
import picocli.CommandLine.Option;

/**
 * {@code --insecure}: the explicit consent to listen where other machines reach the port although callers are
 * not authenticated ({@code --no-auth}): whoever reaches such a port can run commands there, so a server
 * without authentication binds only to a loopback address unless told so.
 */
final class ExposureOption {
  @Option(names = "--insecure",
      description = "With --no-auth: listen on an address other machines reach anyway, although then anyone who "
          + "reaches the port can run commands. For a private network only.")
  boolean insecure;

  /**
   * Refuses an address other machines reach (for {@code flag}) when callers are not {@code authenticated},
   * unless --insecure says so.
   */
  String check(FlagChecks check, String flag, String host, boolean authenticated) {
    if (!insecure && !authenticated && !HostPort.isLoopback(host)) {
      throw check.usageError(flag + " " + host + " lets other machines reach this port, and with --no-auth "
          + "anyone who reaches it can run commands. Drop --no-auth (callers then need a token), add --insecure "
          + "to accept that (on a private network only), or bind to 127.0.0.1");
    }
    return host;
  }

  /**
   * Refuses a cluster bind address other machines reach (the clustered event bus) unless --insecure: the
   * members of a Hazelcast cluster do not authenticate each other, tokens or not.
   */
  dev.iris.cli.request.ClusterSpec checked(FlagChecks check, dev.iris.cli.request.ClusterSpec cluster) {
    check(check, "--cluster-host", cluster.host(), false);
    return cluster;
  }
}
