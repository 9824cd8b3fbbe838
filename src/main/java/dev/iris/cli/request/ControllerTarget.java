package dev.iris.cli.request;

import dev.iris.common.HostPort;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The controller a client command talks to, and how: in plaintext, or over TLS with its certificate verified
 * against a CA ({@code --tls-ca}, {@code IRIS_TLS_CA}).
 *
 * @param address where the controller listens
 * @param tlsCa the CA certificate (PEM, checked) to verify the controller with; empty means plaintext
 */
public record ControllerTarget(HostPort address, Optional<Path> tlsCa) {
  public ControllerTarget {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(tlsCa, "tlsCa");
  }

  /** The controller at {@code address}, in plaintext. */
  public static ControllerTarget plaintext(HostPort address) {
    return new ControllerTarget(address, Optional.empty());
  }

  /** {@code host:port}, as messages name the controller. */
  @Override
  public String toString() {
    return address.toString();
  }
}
