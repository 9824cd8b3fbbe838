package dev.iris.client;

import dev.iris.rpc.JobStatus;
import dev.iris.rpc.TaskStatus;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/** A handle on a submitted job. */
public final class JobHandle {
  private final IrisClient client;
  private final String id;

  JobHandle(IrisClient client, String id) {
    this.client = client;
    this.id = id;
  }

  /** The job's id ({@code parent/name} for a child job). */
  public String id() {
    return id;
  }

  public JobStatus status() {
    return client.status(id, false);
  }

  public List<TaskStatus> tasks() {
    return client.listTasks(id);
  }

  /** See {@link IrisClient#wait}. */
  public JobStatus wait(Duration timeout, boolean streamLogs, Integer streamTaskIndex, Consumer<String> out) {
    return client.wait(id, timeout, streamLogs, streamTaskIndex, out);
  }

  public void terminate() {
    client.terminate(id);
  }

  @Override
  public String toString() {
    return id;
  }
}
