package dev.iris.cli.request;

import dev.iris.common.HostPort;
import java.util.List;
import java.util.Objects;

/**
 * {@code --cluster}: join a clustered event bus (Hazelcast) instead of talking gRPC to the controller.
 *
 * @param host the address to bind the cluster to and advertise to the other members
 * @param port the cluster port on {@code host}
 * @param members every member to join, this one included or not; empty means this one alone (it founds
 *     the cluster and others join it)
 */
public record ClusterSpec(String host, int port, List<HostPort> members) {
  public ClusterSpec {
    Objects.requireNonNull(host, "host");
    members = List.copyOf(members);
  }
}
