package dev.iris.cli.request;

import java.util.Objects;

/**
 * {@code iris job kill JOB}: terminate a job, its unfinished tasks and its child jobs.
 *
 * @param controller the controller to ask, and how to reach it
 * @param jobId the job
 */
public record JobKillRequest(ControllerTarget controller, String jobId) {

  public JobKillRequest {
    Objects.requireNonNull(controller, "controller");
    Objects.requireNonNull(jobId, "jobId");
  }
}
