package dev.iris.cli.request;

import java.util.Objects;

/**
 * {@code iris job status JOB}: show one job, optionally with its tasks.
 *
 * @param controller the controller to ask, and how to reach it
 * @param jobId the job
 * @param includeTasks whether to list the job's tasks too ({@code --tasks})
 * @param format table or JSON
 */
public record JobStatusRequest(ControllerTarget controller, String jobId, boolean includeTasks, OutputFormat format) {

  public JobStatusRequest {
    Objects.requireNonNull(controller, "controller");
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(format, "format");
  }
}
