package dev.iris.client;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a task knows about itself, from the {@code IRIS_*} environment its worker set.
 *
 * <pre>{@code
 * JobInfo me = JobInfo.fromEnv().orElseThrow();
 * System.out.println("I am task " + me.taskIndex() + " of " + me.numTasks() + " in " + me.jobId());
 * int port = me.ports().get("http");   // from --port http
 * }</pre>
 */
public record JobInfo(String jobId, String taskId, int taskIndex, int numTasks, int attemptId, String workerId,
    String controllerAddress, String advertiseHost, String bindHost, Map<String, Integer> ports) {

  /** The task's info when running inside an Iris task, else empty. */
  public static Optional<JobInfo> fromEnv() {
    return fromEnv(System.getenv());
  }

  public static Optional<JobInfo> fromEnv(Map<String, String> env) {
    String job = env.get("IRIS_JOB_ID");
    if (job == null || job.isEmpty()) {
      return Optional.empty();
    }
    Map<String, Integer> ports = new TreeMap<>();
    env.forEach((k, v) -> {
      if (k.startsWith("IRIS_PORT_")) {
        ports.put(k.substring("IRIS_PORT_".length()).toLowerCase(), parse(v, -1));
      }
    });
    return Optional.of(new JobInfo(job, env.getOrDefault("IRIS_TASK_ID", ""),
        parse(env.get("IRIS_TASK_INDEX"), 0), parse(env.get("IRIS_NUM_TASKS"), 1),
        parse(env.get("IRIS_ATTEMPT_ID"), 0), env.getOrDefault("IRIS_WORKER_ID", ""),
        env.getOrDefault("IRIS_CONTROLLER_ADDRESS", ""), env.getOrDefault("IRIS_ADVERTISE_HOST", ""),
        env.getOrDefault("IRIS_BIND_HOST", ""), Map.copyOf(ports)));
  }

  /** The root job of this task's job tree, which namespaces its endpoints. */
  public String rootJobId() {
    int slash = jobId.indexOf('/');
    return slash < 0 ? jobId : jobId.substring(0, slash);
  }

  private static int parse(String s, int fallback) {
    try {
      return s == null ? fallback : Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
