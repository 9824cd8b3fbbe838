package dev.iris.cli.request;

import java.util.Objects;

/**
 * {@code iris task list JOB}: list the tasks of a job.
 *
 * @param controller the controller to ask, and how to reach it
 * @param jobId the job
 * @param format table or JSON
 */
public record TaskListRequest(ControllerTarget controller, String jobId, OutputFormat format) {

  public TaskListRequest {
    Objects.requireNonNull(controller, "controller");
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(format, "format");
  }
}
