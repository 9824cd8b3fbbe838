package dev.iris.cli.request;

import java.time.Duration;
import java.util.Objects;

/**
 * {@code iris job run}: submit {@code job} and, unless {@code waitForCompletion} is off, stream its
 * logs until it ends.
 *
 * @param controller the controller to submit to, and how to reach it
 * @param job the validated job
 * @param waitForCompletion whether to wait for the job and stream its logs ({@code --no-wait} turns it off)
 * @param format how to print the job id (and, when waiting, the final status)
 * @param reconnectTimeout while waiting, how long to ride through a controller that does not answer
 */
public record JobRunRequest(ControllerTarget controller, JobSubmission job, boolean waitForCompletion,
    OutputFormat format, Duration reconnectTimeout) {

  public JobRunRequest {
    Objects.requireNonNull(controller, "controller");
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(reconnectTimeout, "reconnectTimeout");
  }
}
