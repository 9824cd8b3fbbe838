package dev.iris.cli.request;

import dev.iris.rpc.JobState;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code iris job list}: list jobs, optionally only those in one state or under one id prefix.
 *
 * @param controller the controller to ask, and how to reach it
 * @param state only jobs in this state; empty means any
 * @param prefix only jobs whose id starts with this; empty means all
 * @param format table or JSON
 */
public record JobListRequest(
    ControllerTarget controller, Optional<JobState> state, Optional<String> prefix, OutputFormat format) {

  public JobListRequest {
    Objects.requireNonNull(controller, "controller");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(format, "format");
  }
}
