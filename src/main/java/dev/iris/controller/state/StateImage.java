package dev.iris.controller.state;

import dev.iris.core.EndpointRegistry.RegistryImage;
import dev.iris.core.Job.JobImage;
import dev.iris.core.JobId;
import java.util.List;
import java.util.Map;

/**
 * The whole of a {@link ClusterState} as immutable values: everything a replay of its journal would rebuild,
 * and nothing the state derives from the rest (a job's per-state counts, the owners of queued runs, the
 * sums of finished tasks). {@link ClusterState#image()} takes it on the store's thread, copying what changes
 * (jobs, tasks, attempts, workers) and sharing what never does (specs, bundles, events, registrations), so
 * that encoding it (the slow part of a snapshot) can run on another thread while the state moves on.
 * {@link ClusterState#restore} builds a state equal to the one it was taken of in every observable way,
 * including what it keeps without showing it (who registered each worker id, where a reused job id numbers
 * its attempts from, the order in which finished jobs will be forgotten).
 *
 * <p>Byte arrays (bundles) and int arrays (queued task indices) are shared, never written to.
 *
 * @param config the configuration the state was running under
 * @param actions the action log, oldest first
 * @param queue the pending queue in order: for each run still holding a PENDING task of a current,
 *     unfinished job, the indices it holds
 */
public record StateImage(StoreConfig config, JobsImage jobs, WorkersImage workers, RegistryImage endpoints,
    EventLog.EventsImage events, List<ActionLog.Action> actions, List<QueuedRun> queue) {

  /**
   * The jobs and what hangs off them.
   *
   * @param jobs in the table's order (submission order; a resubmitted id moves to the end)
   * @param children each parent's child jobs, in submission order
   * @param nextAttemptIds for ids of jobs replaced or forgotten: where the next job of that id numbers its
   *     attempts from; in the order they were remembered (the oldest are dropped first)
   * @param submittedSequence each job's JOB_SUBMITTED event
   * @param bundles by hash
   * @param finishedRoots finished top-level jobs in the order they will be forgotten
   * @param justFinished jobs that finished since the last tick took them into {@code finishedRoots}, in the
   *     order they finished
   */
  public record JobsImage(List<JobImage> jobs, Map<JobId, List<JobId>> children, Map<JobId, Integer> nextAttemptIds,
      Map<JobId, Long> submittedSequence, Map<String, byte[]> bundles, List<FinishedRoot> finishedRoots,
      List<JustFinished> justFinished) {}

  /**
   * A finished top-level job waiting to be forgotten, and what its tree held when it finished.
   *
   * @param replaced the job has since been replaced by a newer one of its id (which this entry is not about)
   */
  public record FinishedRoot(JobId job, boolean replaced, long tasks, long jobs) {}

  /** A job that finished since the last tick; {@code replaced}: by a newer job of its id since. */
  public record JustFinished(JobId job, boolean replaced) {}

  /**
   * The workers.
   *
   * @param workers in registration order
   * @param identities who registered each worker id (kept after the worker is lost)
   * @param ignoredReports reports ignored so far
   */
  public record WorkersImage(List<WorkerRecord.WorkerImage> workers, Map<String, String> identities,
      long ignoredReports) {}

  /** A run of the pending queue: tasks of one job, in the order they were queued. */
  public record QueuedRun(JobId job, int[] indices) {}

  /** How many tasks the image holds (for logs and figures). */
  public long taskCount() {
    long n = 0;
    for (JobImage j : jobs.jobs()) {
      n += j.tasks().size();
    }
    return n;
  }
}
