package dev.iris.cli.request;

import java.util.Objects;
import java.util.Optional;

/**
 * {@code iris endpoint list}: list registered endpoints, optionally by name prefix.
 *
 * @param controller the controller to ask, and how to reach it
 * @param prefix only endpoints whose name starts with this; empty means all
 * @param format table or JSON
 */
public record EndpointListRequest(ControllerTarget controller, Optional<String> prefix, OutputFormat format) {

  public EndpointListRequest {
    Objects.requireNonNull(controller, "controller");
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(format, "format");
  }
}
