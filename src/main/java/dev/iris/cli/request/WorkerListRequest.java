package dev.iris.cli.request;

import java.util.Objects;

/**
 * {@code iris worker list}: list the workers known to the controller.
 *
 * @param controller the controller to ask, and how to reach it
 * @param format table or JSON
 */
public record WorkerListRequest(ControllerTarget controller, OutputFormat format) {

  public WorkerListRequest {
    Objects.requireNonNull(controller, "controller");
    Objects.requireNonNull(format, "format");
  }
}
