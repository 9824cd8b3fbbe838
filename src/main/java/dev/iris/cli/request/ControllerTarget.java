package dev.iris.cli.request;

import dev.iris.common.HostPort;
import io.vertx.core.net.SocketAddress;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The controller a command talks to, and how: in plaintext, or over TLS with its certificate verified against a
 * CA ({@code --tls-ca}, {@code IRIS_TLS_CA}); with the token its calls bear ({@code --token-file},
 * {@code IRIS_TOKEN}, {@code ~/.iris/token}). Prints as the address only: a token never reaches a log line or a
 * message.
 *
 * @param address where the controller listens
 * @param tlsCa the CA certificate (PEM, checked) to verify the controller with; empty means plaintext
 * @param token what calls bear ({@code authorization: Bearer}); empty for none
 */
public record ControllerTarget(HostPort address, Optional<Path> tlsCa, String token) {
  public ControllerTarget {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(tlsCa, "tlsCa");
    token = token == null ? "" : token;
  }

  /** The controller at {@code address}, in plaintext, without a token. */
  public static ControllerTarget plaintext(HostPort address) {
    return new ControllerTarget(address, Optional.empty(), "");
  }

  /** The same, over TLS verified against {@code ca}. */
  public ControllerTarget withTlsCa(Path ca) {
    return new ControllerTarget(address, Optional.of(ca), token);
  }

  /** The same, calls bearing {@code t}. */
  public ControllerTarget withToken(String t) {
    return new ControllerTarget(address, tlsCa, t);
  }

  public SocketAddress toSocketAddress() {
    return address.toSocketAddress();
  }

  /** {@code host:port}, as messages name the controller. */
  @Override
  public String toString() {
    return address.toString();
  }
}
