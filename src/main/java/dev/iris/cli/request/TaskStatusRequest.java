package dev.iris.cli.request;

import java.util.Objects;

/**
 * {@code iris task status JOB INDEX}: show one task with its attempts.
 *
 * @param controller the controller to ask, and how to reach it
 * @param jobId the job
 * @param taskIndex the task's index within the job, at least 0
 * @param format table or JSON
 */
public record TaskStatusRequest(ControllerTarget controller, String jobId, int taskIndex, OutputFormat format) {

  public TaskStatusRequest {
    Objects.requireNonNull(controller, "controller");
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(format, "format");
  }
}
