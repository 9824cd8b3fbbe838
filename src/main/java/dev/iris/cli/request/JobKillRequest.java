package dev.iris.cli.request;

import dev.iris.common.HostPort;
import java.util.Objects;

/**
 * {@code iris job kill JOB}: terminate a job, its unfinished tasks and its child jobs.
 *
 * @param controller the controller to ask
 * @param jobId the job
 */
public record JobKillRequest(ControllerTarget controller, String jobId) {

  public JobKillRequest {
    Objects.requireNonNull(controller, "controller");
    Objects.requireNonNull(jobId, "jobId");
  }
}
