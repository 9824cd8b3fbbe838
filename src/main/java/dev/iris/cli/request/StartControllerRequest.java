package dev.iris.cli.request;

import java.util.Objects;

/**
 * {@code iris controller}: run a standalone controller that workers join over gRPC.
 *
 * @param host the address to bind gRPC, the dashboard and its API to
 * @param port the one port for all of them; 0 picks a free one
 */
public record StartControllerRequest(String host, int port) {

  public StartControllerRequest {
    Objects.requireNonNull(host, "host");
  }
}
