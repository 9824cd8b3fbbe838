package dev.iris.worker;

import dev.iris.core.TaskId;
import dev.iris.rpc.Worker;
import dev.iris.worker.host.WorkDirs;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The environment a task process gets: {@link #BASE} of the worker's own environment (or all of it with
 * {@link WorkerConfig#inheritEnv}), then the job's variables, then Iris's {@code IRIS_*} variables, which win
 * over a job variable of the same name, and {@code IRIS_TOKEN}, the task's token scoped to its job (empty when
 * the controller authenticates no one). The rest of the worker's environment (cloud credentials, the
 * worker's own secrets) never reaches a task unless the worker is told so.
 */
final class TaskEnvironment {
  /** The variable that holds a task's token (scoped to its job), which clients inside the task use. */
  static final String TOKEN_VARIABLE = "IRIS_TOKEN";
  /** The worker's variables every task gets: where programs are, whose home, which locale and time zone. */
  static final List<String> BASE = List.of("PATH", "HOME", "LANG", "TZ", "USER", "TMPDIR");
  /** This worker's values of {@link #BASE}, read once: a process's environment does not change. */
  private static final Map<String, String> BASE_VALUES = baseValues();


  private TaskEnvironment() {}

  static Map<String, String> of(Worker.RunTaskRequest request, TaskId task, WorkerConfig config,
      Map<String, Integer> ports) {
    Map<String, String> env = new LinkedHashMap<>();
    if (!config.inheritEnv()) {
      env.putAll(BASE_VALUES);
    }
    env.putAll(request.getEnvironment().getEnvVarsMap());
    env.put("IRIS_JOB_ID", task.job().value());
    env.put("IRIS_TASK_ID", task.toString());
    env.put("IRIS_TASK_INDEX", Integer.toString(task.index()));
    env.put("IRIS_NUM_TASKS", Integer.toString(Math.max(1, request.getNumTasks())));
    env.put(WorkDirs.ATTEMPT_ID_VARIABLE, Integer.toString(request.getAttemptId()));
    env.put("IRIS_WORKER_ID", config.workerId());
    if (!config.controllerAddress().isEmpty()) {
      env.put("IRIS_CONTROLLER_ADDRESS", config.controllerAddress());
    }
    config.tls().ca().ifPresent(ca -> env.put("IRIS_TLS_CA", ca.toAbsolutePath().toString()));
    env.put("IRIS_BIND_HOST", config.host());
    env.put("IRIS_ADVERTISE_HOST", config.advertiseHost());
    if (!request.getBundleGcsPath().isEmpty()) {
      env.put("IRIS_BUNDLE_GCS_PATH", request.getBundleGcsPath());
    }
    ports.forEach((name, port) -> env.put("IRIS_PORT_" + name.toUpperCase(Locale.ROOT), Integer.toString(port)));
    // the task's own token, scoped to its job; never the worker's (an empty one blanks one inherited)
    if (!request.getTaskToken().isEmpty() || config.inheritEnv()) {
      env.put(TOKEN_VARIABLE, request.getTaskToken());
    }
    return env;
  }

  private static Map<String, String> baseValues() {
    Map<String, String> values = new LinkedHashMap<>();
    for (String name : BASE) {
      String value = System.getenv(name);
      if (value != null) {
        values.put(name, value);
      }
    }
    return Map.copyOf(values);
  }
}
