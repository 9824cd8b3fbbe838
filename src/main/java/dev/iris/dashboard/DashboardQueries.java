package dev.iris.dashboard;

import dev.iris.controller.ProtoMapper;
import dev.iris.controller.StoreOp;
import dev.iris.controller.state.ActionLog;
import dev.iris.controller.state.ClusterState;
import dev.iris.controller.state.StoreException;
import dev.iris.controller.state.WorkerRecord;
import dev.iris.core.Job;
import dev.iris.core.JobId;
import dev.iris.core.JobState;
import dev.iris.core.Task;
import dev.iris.core.TaskAttempt;
import dev.iris.core.TaskState;
import dev.iris.rpc.Controller;
import dev.iris.rpc.JobStatus;
import dev.iris.rpc.WorkerHealthStatus;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The dashboard's reads, as {@link StoreOp}s: each runs on the store's thread and returns immutable
 * values (protobuf messages, records of lists copied there) stamped with the last committed sequence.
 */
final class DashboardQueries {
  static final int MAX_PAGE_SIZE = 500;

  private DashboardQueries() {}

  /** One page of the jobs list, with job counts per state over every job that matches the name filter. */
  record JobsPage(List<JobStatus> jobs, Map<JobState, Integer> counts, int total, int page, int size,
      long sequence) {}

  /** A job, a window of its tasks, its direct children and the task a viewer should look at first. */
  record JobDetail(JobStatus job, List<JobStatus> children, int taskOffset, int focusTask, long sequence) {}

  /** A worker as the dashboard shows it. */
  record WorkerRow(WorkerHealthStatus status, boolean alive, boolean suspect) {}

  record Workers(List<WorkerRow> workers, long sequence) {}

  record Endpoints(List<Controller.Endpoint> endpoints, long sequence) {}

  record Actions(List<ActionLog.Action> actions, long sequence) {}

  /** Where a task attempt's logs live. */
  record LogTarget(String taskId, int attemptId, String workerId, String workerAddress, TaskState state) {}

  /**
   * Jobs in tree order (root jobs newest first, each followed by its descendants) filtered by state and
   * by a name or id prefix, then paged.
   */
  static StoreOp<JobsPage> jobs(JobState state, String prefix, int page, int size) {
    String p = prefix.toLowerCase(Locale.ROOT);
    return (s, now) -> {
      List<Job> ordered = treeOrder(s);
      Map<JobState, Integer> counts = new EnumMap<>(JobState.class);
      List<JobStatus> rows = new ArrayList<>();
      int matched = 0;
      int from = page * size;
      Function<String, String> addr = addresses(s);
      for (Job j : ordered) {
        if (!p.isEmpty() && !matchesPrefix(j.id(), p)) {
          continue;
        }
        counts.merge(j.state(), 1, Integer::sum);
        if (state != null && j.state() != state) {
          continue;
        }
        if (matched >= from && rows.size() < size) {
          rows.add(ProtoMapper.jobStatus(j, false, addr));
        }
        matched++;
      }
      return new JobsPage(List.copyOf(rows), Map.copyOf(counts), matched, page, size,
          s.events().lastSequence());
    };
  }

  /** The listed jobs (unknown ids are left out), for refreshing rows a page shows. */
  static StoreOp<JobsPage> jobsById(List<JobId> ids) {
    return (s, now) -> {
      List<JobStatus> rows = new ArrayList<>();
      Function<String, String> addr = addresses(s);
      for (JobId id : ids) {
        s.job(id).ifPresent(j -> rows.add(ProtoMapper.jobStatus(j, false, addr)));
      }
      return new JobsPage(List.copyOf(rows), Map.of(), rows.size(), 0, rows.size(), s.events().lastSequence());
    };
  }

  static StoreOp<JobDetail> job(JobId id, int taskOffset, int taskLimit) {
    return (s, now) -> {
      Job job = find(s, id);
      Function<String, String> addr = addresses(s);
      JobStatus.Builder b = ProtoMapper.jobStatus(job, false, addr).toBuilder();
      int end = Math.min(job.numTasks(), taskOffset + taskLimit);
      for (int i = Math.max(0, taskOffset); i < end; i++) {
        b.addTasks(ProtoMapper.taskStatus(job, job.task(i), addr));
      }
      List<JobStatus> children = new ArrayList<>();
      for (JobId c : s.childrenOf(id)) {
        s.job(c).ifPresent(cj -> children.add(ProtoMapper.jobStatus(cj, false, addr)));
      }
      return new JobDetail(b.build(), List.copyOf(children), taskOffset, focusTask(job), s.events().lastSequence());
    };
  }

  static StoreOp<Workers> workers() {
    return (s, now) -> {
      List<WorkerRow> rows = new ArrayList<>();
      for (WorkerRecord w : s.workers()) {
        rows.add(new WorkerRow(ProtoMapper.workerStatus(w), w.isAlive(), w.isSuspect()));
      }
      return new Workers(List.copyOf(rows), s.events().lastSequence());
    };
  }

  static StoreOp<Endpoints> endpoints(String prefix) {
    return (s, now) -> {
      List<Controller.Endpoint> rows = new ArrayList<>();
      s.endpoints().list(prefix).forEach(e -> rows.add(ProtoMapper.endpoint(e)));
      return new Endpoints(List.copyOf(rows), s.events().lastSequence());
    };
  }

  static StoreOp<Actions> actions(int limit) {
    return (s, now) -> new Actions(List.copyOf(s.actions().newest(limit)), s.events().lastSequence());
  }

  /** Kills a job and its descendants; finished jobs are left as they are. */
  static StoreOp<JobState> kill(JobId id, String reason) {
    return (s, now) -> {
      s.terminate(id, reason, now);
      return find(s, id).state();
    };
  }

  /** The attempt whose logs to read: {@code attemptId} or, when negative, the current one (null if none). */
  static StoreOp<LogTarget> logTarget(JobId id, int index, int attemptId) {
    return (s, now) -> {
      Job job = find(s, id);
      if (index < 0 || index >= job.numTasks()) {
        throw StoreException.notFound("task " + index + " not found: job " + id + " has " + job.numTasks() + " task(s)");
      }
      Task task = job.task(index);
      TaskAttempt attempt = null;
      for (TaskAttempt a : task.attempts()) {
        if (attemptId < 0 || a.attemptId() == attemptId) {
          attempt = a;
        }
      }
      if (attempt == null) {
        if (attemptId >= 0) {
          throw StoreException.notFound("attempt " + attemptId + " of " + task.id() + " not found");
        }
        return new LogTarget(task.id().toString(), -1, "", "", task.state());
      }
      String address = s.worker(attempt.workerId()).map(WorkerRecord::address).orElse("");
      return new LogTarget(task.id().toString(), attempt.attemptId(), attempt.workerId(), address, task.state());
    };
  }

  // ------------------------------------------------------------------ helpers

  private static List<Job> treeOrder(ClusterState s) {
    Collection<Job> all = s.jobs();
    List<Job> roots = new ArrayList<>();
    for (Job j : all) {
      if (j.id().parent() == null) {
        roots.add(j);
      }
    }
    List<Job> out = new ArrayList<>(all.size());
    for (int i = roots.size() - 1; i >= 0; i--) {
      addTree(s, roots.get(i), out);
    }
    return out;
  }

  private static void addTree(ClusterState s, Job job, List<Job> out) {
    out.add(job);
    for (JobId c : s.childrenOf(job.id())) {
      s.job(c).ifPresent(cj -> addTree(s, cj, out));
    }
  }

  private static boolean matchesPrefix(JobId id, String lowerPrefix) {
    return id.value().toLowerCase(Locale.ROOT).startsWith(lowerPrefix)
        || id.name().toLowerCase(Locale.ROOT).startsWith(lowerPrefix);
  }

  /** A failed task first, else a running one, else one on its way to running, else the first. */
  private static int focusTask(Job job) {
    int[] best = {-1, -1, -1};
    for (Task t : job.tasks()) {
      int rank = switch (t.state()) {
        case FAILED, WORKER_FAILED -> 0;
        case RUNNING -> 1;
        case BUILDING, ASSIGNED -> 2;
        default -> -1;
      };
      if (rank >= 0 && best[rank] < 0) {
        best[rank] = t.index();
      }
    }
    for (int b : best) {
      if (b >= 0) {
        return b;
      }
    }
    return 0;
  }

  private static Job find(ClusterState s, JobId id) {
    return s.job(id).orElseThrow(() -> StoreException.notFound("job " + id + " not found"));
  }

  private static Function<String, String> addresses(ClusterState s) {
    return id -> s.worker(id).map(WorkerRecord::address).orElse("");
  }
}
