package dev.iris.cli.request;

import dev.iris.common.HostPort;
import io.vertx.core.net.SocketAddress;
import java.util.Objects;

/**
 * The controller a command talks to, and the token its calls bear (empty: none). Prints as the address
 * only: a token never reaches a log line or a message.
 */
public record ControllerTarget(HostPort address, String token) {
  public ControllerTarget {
    Objects.requireNonNull(address, "address");
    token = token == null ? "" : token;
  }

  /** A controller reached without a token. */
  public static ControllerTarget of(HostPort address) {
    return new ControllerTarget(address, "");
  }

  public SocketAddress toSocketAddress() {
    return address.toSocketAddress();
  }

  @Override
  public String toString() {
    return address.toString();
  }
}
