package dev.iris.core;

import java.util.List;
import java.util.Map;

/**
 * What a user asked for, validated: the command, the resources of each task, the replica count, and the
 * failure policy. Constructing one checks every rule and throws a {@link ValidationException} naming
 * the field at fault; what each task runs obeys the {@link TaskSpecRules} the worker checks too.
 *
 * @param id the job's id (its parent's id plus its name for a child job)
 * @param argv the command each task runs
 * @param resources what each task reserves on its worker
 * @param replicas how many tasks the job expands into, 1..{@value #MAX_REPLICAS}
 * @param env environment variables for the task (Iris's own {@code IRIS_*} variables win)
 * @param ports names of ports each task gets allocated
 * @param constraints attribute predicates a worker must satisfy, all AND-ed
 * @param coscheduleBy a worker attribute: all tasks go onto distinct workers sharing its value; empty = no gang
 * @param maxTaskFailures terminally failed tasks the job tolerates
 * @param maxRetriesFailure retries of each task after FAILED
 * @param maxRetriesPreemption retries of each task after WORKER_FAILED
 * @param schedulingTimeoutMs how long a task may wait PENDING before it is UNSCHEDULABLE; 0 = forever
 * @param taskTimeoutSeconds how long a task may run; 0 = no limit
 * @param setupCommand an optional command run before {@code argv}, in the same directory
 * @param bundleHash sha-256 of the job's bundle, empty when none
 * @param user who submitted the job, its owner (who may kill it and see its variables)
 */
public record JobSpec(
    JobId id,
    List<String> argv,
    Resources resources,
    int replicas,
    Map<String, String> env,
    List<String> ports,
    List<Constraint> constraints,
    String coscheduleBy,
    int maxTaskFailures,
    int maxRetriesFailure,
    int maxRetriesPreemption,
    long schedulingTimeoutMs,
    int taskTimeoutSeconds,
    List<String> setupCommand,
    String bundleHash,
    String user) {

  public static final int MAX_REPLICAS = 10_000;
  public static final int DEFAULT_MAX_RETRIES_FAILURE = 0;
  public static final int DEFAULT_MAX_RETRIES_PREEMPTION = 100;
  public static final int MAX_RETRIES = 10_000;
  public static final int MAX_CPU = 4096;
  public static final long MAX_MEMORY_BYTES = 1L << 46; // 64 TiB
  public static final long MAX_DISK_BYTES = 1L << 50; // 1 PiB
  public static final int MAX_GPUS = 1024;
  public static final int MAX_CONSTRAINTS = 64;
  public static final long MAX_SCHEDULING_TIMEOUT_MS = 365L * 24 * 3600 * 1000;

  public JobSpec {
    if (id == null) {
      throw new ValidationException("job needs a name");
    }
    argv = TaskSpecRules.command(argv);
    setupCommand = TaskSpecRules.setupCommand(setupCommand);
    validateResources(resources);
    if (replicas < 1 || replicas > MAX_REPLICAS) {
      throw new ValidationException(
          "replicas must be between 1 and " + MAX_REPLICAS + ", got " + replicas);
    }
    env = TaskSpecRules.env(env);
    ports = TaskSpecRules.ports(ports);
    constraints = constraints == null ? List.of() : List.copyOf(constraints);
    if (constraints.size() > MAX_CONSTRAINTS) {
      throw new ValidationException("at most " + MAX_CONSTRAINTS + " constraints, got " + constraints.size());
    }
    coscheduleBy = coscheduleBy == null ? "" : coscheduleBy.trim();
    requireRange("max_task_failures", maxTaskFailures, 0, MAX_REPLICAS);
    requireRange("max_retries_failure", maxRetriesFailure, 0, MAX_RETRIES);
    requireRange("max_retries_preemption", maxRetriesPreemption, 0, MAX_RETRIES);
    if (schedulingTimeoutMs < 0 || schedulingTimeoutMs > MAX_SCHEDULING_TIMEOUT_MS) {
      throw new ValidationException(
          "scheduling timeout must be between 0 and 365 days, got " + schedulingTimeoutMs + " ms");
    }
    requireRange("timeout_seconds", taskTimeoutSeconds, 0, 365 * 24 * 3600);
    bundleHash = TaskSpecRules.bundleHash(bundleHash);
    user = TextRules.userName(user);
  }

  /** A spec with the defaults of the original system for everything but the essentials. */
  public static JobSpec simple(JobId id, List<String> argv, Resources resources, int replicas) {
    return new JobSpec(id, argv, resources, replicas, Map.of(), List.of(), List.of(), "",
        0, DEFAULT_MAX_RETRIES_FAILURE, DEFAULT_MAX_RETRIES_PREEMPTION, 0, 0, List.of(), "", "admin");
  }

  public boolean isGang() {
    return !coscheduleBy.isEmpty();
  }

  public JobSpec withPolicy(int maxTaskFailures, int maxRetriesFailure, int maxRetriesPreemption) {
    return new JobSpec(id, argv, resources, replicas, env, ports, constraints, coscheduleBy,
        maxTaskFailures, maxRetriesFailure, maxRetriesPreemption, schedulingTimeoutMs,
        taskTimeoutSeconds, setupCommand, bundleHash, user);
  }

  /** The same spec, submitted by {@code owner}. */
  public JobSpec withUser(String owner) {
    return new JobSpec(id, argv, resources, replicas, env, ports, constraints, coscheduleBy,
        maxTaskFailures, maxRetriesFailure, maxRetriesPreemption, schedulingTimeoutMs,
        taskTimeoutSeconds, setupCommand, bundleHash, owner);
  }

  private static void validateResources(Resources r) {
    if (r == null) {
      throw new ValidationException("job needs resources");
    }
    requireRange("cpu", r.cpu(), 0, MAX_CPU);
    if (r.memoryBytes() > MAX_MEMORY_BYTES) {
      throw new ValidationException("memory " + Sizes.human(r.memoryBytes()) + " is absurd; at most 64 TiB");
    }
    if (r.diskBytes() > MAX_DISK_BYTES) {
      throw new ValidationException("disk " + Sizes.human(r.diskBytes()) + " is absurd; at most 1 PiB");
    }
    requireRange("gpu count", r.gpus(), 0, MAX_GPUS);
  }

  private static void requireRange(String field, long value, long min, long max) {
    if (value < min || value > max) {
      throw new ValidationException(field + " must be between " + min + " and " + max + ", got " + value);
    }
  }
}
