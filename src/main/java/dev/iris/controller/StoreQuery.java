package dev.iris.controller;

import com.google.protobuf.ByteString;
import dev.iris.controller.state.ActionLog;
import dev.iris.controller.state.ClusterState;
import dev.iris.controller.state.StoreEvent;
import dev.iris.controller.state.StoreException;
import dev.iris.controller.state.WorkerRecord;
import dev.iris.core.Endpoint;
import dev.iris.core.Job;
import dev.iris.core.JobId;
import dev.iris.core.JobState;
import dev.iris.core.Task;
import dev.iris.core.TaskAttempt;
import dev.iris.core.TaskState;
import dev.iris.rpc.Controller;
import dev.iris.rpc.JobStatus;
import dev.iris.rpc.TaskStatus;
import dev.iris.rpc.WorkerHealthStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A read of the cluster state, answered with an immutable {@code R}: the closed family of every question
 * the state store answers (its changes are {@link dev.iris.controller.state.Mutation}s). A query runs on the
 * store's thread, so it may read the live state, and never changes it.
 *
 * <p>What leaves the store must not change behind the reader's back. Endpoints, events, actions and the
 * scheduler's snapshot are immutable values: they are handed out as they are, and the caller maps them to
 * protobuf on its own thread. Jobs, tasks and workers are live mutable objects, so their statuses are
 * mapped to protobuf here, on the store's thread.
 *
 * <p>Every record reads for itself, so the dispatch is exhaustive by construction.
 */
public sealed interface StoreQuery<R> {

  /** Answers this query from {@code state}; runs on the state's one thread. */
  R readFrom(ClusterState state);

  // ================================================================== jobs and tasks

  /** A job's status, with its tasks' when {@code includeTasks}; NOT_FOUND for an unknown job. */
  record GetJobStatus(JobId job, boolean includeTasks) implements StoreQuery<JobStatus> {
    @Override
    public JobStatus readFrom(ClusterState state) {
      return ProtoMapper.jobStatus(StateLookups.job(state, job), includeTasks, StateLookups.addresses(state));
    }
  }

  /** One page of ListJobs: newest first, {@code state} null for any state. */
  record ListJobs(JobState state, String prefix, int offset, int pageSize)
      implements StoreQuery<Controller.ListJobsResponse> {
    @Override
    public Controller.ListJobsResponse readFrom(ClusterState s) {
      return JobListing.page(s, state, prefix, offset, pageSize);
    }
  }

  /** Task {@code index} of a job; NOT_FOUND for an unknown job or task. */
  record GetTaskStatus(JobId job, int index) implements StoreQuery<TaskStatus> {
    @Override
    public TaskStatus readFrom(ClusterState state) {
      Job j = StateLookups.job(state, job);
      return ProtoMapper.taskStatus(j, StateLookups.task(j, job, index), StateLookups.addresses(state));
    }
  }

  /** Every task of a job, in index order. */
  record ListTasks(JobId job) implements StoreQuery<List<TaskStatus>> {
    @Override
    public List<TaskStatus> readFrom(ClusterState state) {
      Job j = StateLookups.job(state, job);
      Function<String, String> addresses = StateLookups.addresses(state);
      List<TaskStatus> tasks = new ArrayList<>(j.numTasks());
      j.tasks().forEach(t -> tasks.add(ProtoMapper.taskStatus(j, t, addresses)));
      return List.copyOf(tasks);
    }
  }

  /**
   * Where the logs of a task's attempt live: attempt {@code attemptId}, or the current one when null.
   * NOT_FOUND for an unknown job, task or attempt.
   */
  record FindLogSource(JobId job, int index, Integer attemptId) implements StoreQuery<LogSource> {
    @Override
    public LogSource readFrom(ClusterState state) {
      Job j = StateLookups.job(state, job);
      Task task = StateLookups.task(j, job, index);
      TaskAttempt attempt = attemptId == null ? task.currentAttempt()
          : task.attempts().stream().filter(a -> a.attemptId() == attemptId).findFirst()
              .orElseThrow(() -> StoreException.notFound("attempt " + attemptId + " of " + task.id() + " not found"));
      if (attempt == null) {
        return new LogSource(task.id().toString(), -1, "", "", task.state(), false);
      }
      String address = state.worker(attempt.workerId()).map(WorkerRecord::address).orElse("");
      return new LogSource(task.id().toString(), attempt.attemptId(), attempt.workerId(), address, task.state(),
          attempt.state() == TaskState.ASSIGNED);
    }
  }

  /**
   * The dashboard's jobs list: jobs in tree order (root jobs newest first, each followed by its
   * descendants) filtered by {@code state} (null: any) and by a name or id prefix, then paged.
   */
  record ListJobTree(JobState state, String prefix, int page, int size) implements StoreQuery<JobsPage> {
    @Override
    public JobsPage readFrom(ClusterState s) {
      return JobListing.treePage(s, state, prefix, page, size);
    }
  }

  /** The listed jobs (unknown ids are left out), for refreshing rows a page shows. */
  record GetJobs(List<JobId> jobs) implements StoreQuery<JobsPage> {
    public GetJobs {
      jobs = List.copyOf(jobs);
    }

    @Override
    public JobsPage readFrom(ClusterState state) {
      return JobListing.byId(state, jobs);
    }
  }

  /** A job, a window of its tasks and its direct children, for the dashboard's job page. */
  record GetJobDetail(JobId job, int taskOffset, int taskLimit) implements StoreQuery<JobDetail> {
    @Override
    public JobDetail readFrom(ClusterState state) {
      return JobListing.detail(state, job, taskOffset, taskLimit);
    }
  }

  /** The newest notable actions, newest first. */
  record ListActions(int limit) implements StoreQuery<Actions> {
    @Override
    public Actions readFrom(ClusterState state) {
      return new Actions(List.copyOf(state.actions().newest(limit)), state.events().lastSequence());
    }
  }

  // ================================================================== workers

  /** Every worker the controller knows, lost ones included, in registration order. */
  record ListWorkers() implements StoreQuery<Workers> {
    @Override
    public Workers readFrom(ClusterState state) {
      List<WorkerRow> rows = new ArrayList<>();
      for (WorkerRecord w : state.workers()) {
        rows.add(new WorkerRow(ProtoMapper.workerStatus(w), w.isAlive(), w.isSuspect()));
      }
      return new Workers(List.copyOf(rows), state.events().lastSequence());
    }
  }

  /** What the scheduler decides on: the pending queue and the live workers' free room. */
  record GetSchedulingInput() implements StoreQuery<ClusterState.SchedulingInput> {
    @Override
    public ClusterState.SchedulingInput readFrom(ClusterState state) {
      return state.schedulingInput();
    }
  }

  // ================================================================== endpoints and bundles

  /** The endpoint of that name; NOT_FOUND when there is none. */
  record LookupEndpoint(String name) implements StoreQuery<Endpoint> {
    @Override
    public Endpoint readFrom(ClusterState state) {
      return state.endpoints().lookup(name)
          .orElseThrow(() -> StoreException.notFound("endpoint " + name + " not found"));
    }
  }

  /** The endpoints whose name starts with {@code prefix}. */
  record ListEndpoints(String prefix) implements StoreQuery<Endpoints> {
    @Override
    public Endpoints readFrom(ClusterState state) {
      return new Endpoints(List.copyOf(state.endpoints().list(prefix)), state.events().lastSequence());
    }
  }

  /** A copy of the bundle of that hash; NOT_FOUND when no job holds it. */
  record GetBundle(String hash) implements StoreQuery<ByteString> {
    @Override
    public ByteString readFrom(ClusterState state) {
      return ByteString.copyFrom(state.bundle(hash)
          .orElseThrow(() -> StoreException.notFound("bundle " + hash + " not found")));
    }
  }

  // ================================================================== events and metrics

  /**
   * Where a follower of the event stream starts (see {@link EventReplay}): the events retained after
   * sequence {@code after}, at most {@code limit}; for {@code job} (null: every job) from no earlier than
   * its latest submission. {@code after} negative: from now, nothing replayed. With
   * {@code resetWhenIncomplete}, a gap that cannot be replayed whole (events no longer retained, more
   * than {@code limit}, or a sequence this store never reached) answers a reset and no events instead.
   */
  record ReplayEvents(long after, JobId job, int limit, boolean resetWhenIncomplete) implements StoreQuery<Replay> {
    @Override
    public Replay readFrom(ClusterState state) {
      long last = state.events().lastSequence();
      if (after < 0) {
        return new Replay(last, false, List.of());
      }
      long from = job == null ? after : Math.max(after, state.sequenceBeforeSubmission(job));
      if (resetWhenIncomplete
          && (from > last || from + 1 < state.events().firstRetained() || last - from > limit)) {
        return new Replay(last, true, List.of());
      }
      return new Replay(last, false, List.copyOf(state.events().after(from, limit)));
    }
  }

  /** The counts behind the state gauges of {@code /metrics}. */
  record CountStates() implements StoreQuery<ControllerMetrics.Snapshot> {
    @Override
    public ControllerMetrics.Snapshot readFrom(ClusterState state) {
      return ControllerMetrics.Snapshot.of(state);
    }
  }

  // ================================================================== answers

  /** One page of jobs with job counts per state over every job that matches the name filter. */
  record JobsPage(List<JobStatus> jobs, Map<JobState, Integer> counts, int total, int page, int size,
      long sequence) {}

  /** A job with a window of its tasks, its direct children and the task a viewer should look at first. */
  record JobDetail(JobStatus job, List<JobStatus> children, int taskOffset, int focusTask, long sequence) {}

  /** A worker as the dashboard shows it. */
  record WorkerRow(WorkerHealthStatus status, boolean alive, boolean suspect) {}

  /** The workers, as of the last committed sequence. */
  record Workers(List<WorkerRow> workers, long sequence) {}

  /** Endpoints, as of the last committed sequence. */
  record Endpoints(List<Endpoint> endpoints, long sequence) {}

  /** Actions, as of the last committed sequence. */
  record Actions(List<ActionLog.Action> actions, long sequence) {}

  /**
   * Where the logs of a task's attempt live: {@code attemptId} -1 when the task never had one,
   * {@code workerAddress} "" when its worker is no longer known. {@code attemptAssigned}: the attempt may
   * not have reached its worker yet, which then does not know it.
   */
  record LogSource(String taskId, int attemptId, String workerId, String workerAddress, TaskState taskState,
      boolean attemptAssigned) {}

  /**
   * The start of a replay: the last committed sequence, whether the follower must reload instead of
   * replaying, and the events to replay, oldest first.
   */
  record Replay(long lastSequence, boolean reset, List<StoreEvent> events) {}
}
