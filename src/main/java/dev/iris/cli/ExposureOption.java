package dev.iris.cli;

import dev.iris.common.HostPort;
import dev.iris.common.Tls;
import picocli.CommandLine.Option;

/**
 * {@code --insecure}: the explicit consent to listen where other machines reach the port although callers are
 * neither authenticated ({@code --no-auth}) nor talk TLS: whoever reaches such a port can run commands there,
 * so such a server binds only to a loopback address unless told so.
 */
final class ExposureOption {
  @Option(names = "--insecure",
      description = "With --no-auth: listen on an address other machines reach anyway, although then anyone who "
          + "reaches the port can run commands. For a private network only.")
  boolean insecure;

  /**
   * Refuses an address other machines reach (for {@code flag}) when callers are not {@code authenticated}
   * and {@code tls} serves no TLS, unless --insecure says so.
   */
  String check(FlagChecks check, String flag, String host, boolean authenticated, Tls tls) {
    if (!insecure && !authenticated && !tls.serves() && !HostPort.isLoopback(host)) {
      throw check.usageError(flag + " " + host + " lets other machines reach this port, and callers are not "
          + "authenticated: anyone who reaches it can run commands. Use a token (a controller: drop --no-auth; a "
          + "worker: --token-file), serve TLS (--tls-cert and --tls-key), add --insecure to accept that (on a "
          + "private network only), or bind to 127.0.0.1");
    }
    return host;
  }

  /**
   * Refuses a cluster bind address other machines reach (the clustered event bus) unless --insecure, or the
   * bus runs over mutual TLS ({@code tls} serves TLS): Hazelcast members do not authenticate each other, tokens
   * or not.
   */
  dev.iris.cli.request.ClusterSpec checked(FlagChecks check, dev.iris.cli.request.ClusterSpec cluster, Tls tls) {
    return tls.serves() ? cluster : checked(check, cluster);
  }

  /** Refuses a cluster bind address other machines reach (the clustered event bus) unless --insecure. */
  dev.iris.cli.request.ClusterSpec checked(FlagChecks check, dev.iris.cli.request.ClusterSpec cluster) {
    check(check, "--cluster-host", cluster.host(), false, Tls.NONE);
    return cluster;
  }
}
