package dev.iris.common;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;
import java.util.Objects;

/**
 * A Vert.x whose event bus spans several JVMs, joined through Hazelcast: {@code iris controller --cluster} and
 * {@code iris worker --cluster}. Members are listed explicitly (TCP-IP join on the given interface; no
 * multicast, no auto-detection, no phone-home), so nothing joins by accident.
 *
 * @param host the address this member binds Hazelcast and the event bus to, and tells the others
 * @param port Hazelcast's port on {@code host}; the event bus takes a free port of its own
 * @param members every member as {@code host:port} (this one may be among them)
 * @param tls with a certificate, key and CA, the event bus runs over mutual TLS ({@link Tls#applyTo(EventBusOptions)});
 *     Hazelcast's own traffic (membership, the map of who consumes which address) stays plaintext
 * @param clusterName Hazelcast's cluster name: members with another name never join ({@link #clusterNameFor})
 */
public record ClusteredVertx(String host, int port, List<String> members, Tls tls, String clusterName) {
  public ClusteredVertx {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(clusterName, "clusterName");
    members = List.copyOf(members);
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("invalid cluster port " + port);
    }
  }

  /** A member whose event bus is plaintext, without a cluster name of its own ({@link #clusterNameFor} no token). */
  public ClusteredVertx(String host, int port, List<String> members) {
    this(host, port, members, Tls.NONE, clusterNameFor(null));
  }

  /**
   * The cluster name of members holding {@code token} (the cluster's admin token; null or empty for none):
   * {@code iris-} and 16 hex digits of its SHA-256, so that members of another cluster never join this one
   * by accident. A name, not a secret: Hazelcast's open-source edition does not authenticate members.
   */
  public static String clusterNameFor(String token) {
    if (token == null || token.isEmpty()) {
      return "iris";
    }
    return "iris-" + dev.iris.core.Sha256.hex(("iris cluster name\n" + token).getBytes(
        java.nio.charset.StandardCharsets.UTF_8)).substring(0, 16);
  }

  /** Starts the Vert.x and joins (or founds) the cluster. */
  public Future<Vertx> start() {
    return Vertx.builder()
        .with(new VertxOptions().setEventBusOptions(
            tls.applyTo(new EventBusOptions().setHost(host).setClusterPublicHost(host))))
        .withClusterManager(new HazelcastClusterManager(hazelcastConfig()))
        .buildClustered();
  }

  Config hazelcastConfig() {
    Config config = ConfigUtil.loadConfig(); // keeps the maps Vert.x needs
    config.setClusterName(clusterName);
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.shutdownhook.enabled", "false"); // we leave the cluster when we stop
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(port).setPortAutoIncrement(false).setPublicAddress(host + ":" + port);
    network.getInterfaces().setEnabled(true).setInterfaces(List.of(host));
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(members.isEmpty() ? List.of(host + ":" + port) : members);
    return config;
  }
}
