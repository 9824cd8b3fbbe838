package dev.iris.controller;

import dev.iris.controller.state.ClusterState;
import dev.iris.controller.state.StoreException;
import dev.iris.controller.state.WorkerRecord;
import dev.iris.core.Job;
import dev.iris.core.JobId;
import dev.iris.core.Task;
import java.util.function.Function;

/**
 * Reads of the cluster state that several handlers share, run on the store's thread; a missing job or
 * task is NOT_FOUND.
 */
final class StateLookups {
  private StateLookups() {}

  static Job job(ClusterState s, JobId id) {
    return s.job(id).orElseThrow(() -> StoreException.notFound("job " + id + " not found"));
  }

  /** Task {@code index} of {@code job}, which is the job named {@code id}. */
  static Task task(Job job, JobId id, int index) {
    if (index < 0 || index >= job.numTasks()) {
      throw StoreException.notFound("task " + index + " not found: job " + id + " has " + job.numTasks() + " task(s)");
    }
    return job.task(index);
  }

  /** A worker id's address, or "" for a worker the controller no longer knows. */
  static Function<String, String> addresses(ClusterState s) {
    return id -> s.worker(id).map(WorkerRecord::address).orElse("");
  }
}
