package dev.iris.cli.request;

import com.google.re2j.Pattern;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code iris job logs JOB}: print the logs of a job's tasks, each line prefixed with its task unless
 * one task is asked for.
 *
 * @param controller the controller to ask, and how to reach it
 * @param jobId the job
 * @param taskIndex only this task's lines; empty means every task
 * @param follow whether to keep streaming new lines until the job ends
 * @param since only lines younger than this; empty means from the start
 * @param grep only lines matching this regular expression (found anywhere in the line)
 * @param reconnectTimeout while following, how long to ride through a controller that does not answer
 */
public record JobLogsRequest(
    ControllerTarget controller,
    String jobId,
    OptionalInt taskIndex,
    boolean follow,
    Optional<Duration> since,
    Optional<Pattern> grep,
    Duration reconnectTimeout) {

  public JobLogsRequest {
    Objects.requireNonNull(controller, "controller");
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(taskIndex, "taskIndex");
    Objects.requireNonNull(since, "since");
    Objects.requireNonNull(grep, "grep");
    Objects.requireNonNull(reconnectTimeout, "reconnectTimeout");
  }
}
