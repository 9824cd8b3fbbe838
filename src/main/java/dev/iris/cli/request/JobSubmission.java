package dev.iris.cli.request;

import dev.iris.cli.parse.ConstraintExpr;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A job to submit, as {@code iris job run} validated it. Maps one to one onto the client's submit call
 * and the contract's {@code LaunchJobRequest}.
 *
 * @param name the job name; empty lets the client derive one
 * @param command the argv to run, at least one element; argv[0] is looked up on PATH
 * @param replicas how many tasks, 1..10000
 * @param resources what each task needs
 * @param env extra environment variables for every task, in the order given
 * @param ports named ports to allocate per task (seen as {@code IRIS_PORT_<NAME>})
 * @param constraints placement constraints on worker attributes, all of which must hold
 * @param coscheduleBy the worker attribute to gang-place all tasks by; empty means no gang
 * @param maxTaskFailures terminally failed tasks the job tolerates before it fails, at least 0
 * @param maxRetriesFailure retries per task after a failure, at least 0
 * @param maxRetriesPreemption retries per task after its worker died, at least 0
 * @param schedulingTimeout how long a task may wait for a worker before the job is unschedulable
 * @param timeout how long each task may run
 * @param workspace a directory zipped and unpacked into each task's working directory
 * @param setup a shell command run in the task's directory before {@code command}
 */
public record JobSubmission(
    Optional<String> name,
    List<String> command,
    int replicas,
    JobResources resources,
    Map<String, String> env,
    List<String> ports,
    List<ConstraintExpr> constraints,
    Optional<String> coscheduleBy,
    int maxTaskFailures,
    int maxRetriesFailure,
    int maxRetriesPreemption,
    Optional<Duration> schedulingTimeout,
    Optional<Duration> timeout,
    Optional<Path> workspace,
    Optional<String> setup) {

  /** Default retries after a failure, per task. */
  public static final int DEFAULT_MAX_RETRIES_FAILURE = 0;
  /** Default retries after a worker loss (preemption), per task. */
  public static final int DEFAULT_MAX_RETRIES_PREEMPTION = 100;
  /** The most tasks one job may have. */
  public static final int MAX_REPLICAS = 10_000;

  public JobSubmission {
    Objects.requireNonNull(name, "name");
    command = List.copyOf(command);
    Objects.requireNonNull(resources, "resources");
    env = OrderedMaps.copyOf(env);
    ports = List.copyOf(ports);
    constraints = List.copyOf(constraints);
    Objects.requireNonNull(coscheduleBy, "coscheduleBy");
    Objects.requireNonNull(schedulingTimeout, "schedulingTimeout");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(workspace, "workspace");
    Objects.requireNonNull(setup, "setup");
  }
}
