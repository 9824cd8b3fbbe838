package dev.iris.controller;

import dev.iris.controller.StoreQuery.JobDetail;
import dev.iris.controller.StoreQuery.JobsPage;
import dev.iris.controller.state.ClusterState;
import dev.iris.core.Job;
import dev.iris.core.JobId;
import dev.iris.core.JobState;
import dev.iris.core.Task;
import dev.iris.rpc.Controller;
import dev.iris.rpc.JobStatus;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Pages of jobs, read on the store's thread: ListJobs' (newest first) and the dashboard's (in tree order,
 * with counts per state, and a job's page with its children and the task to look at first).
 */
final class JobListing {
  private JobListing() {}

  /** ListJobs: newest first, filtered by state (null: any) and id prefix. */
  static Controller.ListJobsResponse page(ClusterState s, JobState state, String prefix, int offset, int size) {
    List<Job> matching = new ArrayList<>();
    for (Job j : s.jobs()) {
      if ((state == null || j.state() == state) && (prefix.isEmpty() || j.id().value().startsWith(prefix))) {
        matching.add(j);
      }
    }
    Controller.ListJobsResponse.Builder b = Controller.ListJobsResponse.newBuilder().setTotalCount(matching.size());
    Function<String, String> addresses = StateLookups.addresses(s);
    int end = Math.min(matching.size(), offset + size);
    for (int i = offset; i < end; i++) {
      b.addJobs(ProtoMapper.jobStatus(matching.get(matching.size() - 1 - i), false, addresses));
    }
    if (end < matching.size()) {
      b.setNextPageToken(Integer.toString(end));
    }
    return b.build();
  }

  /** See {@link StoreQuery.ListJobTree}. */
  static JobsPage treePage(ClusterState s, JobState state, String prefix, int page, int size) {
    String p = prefix.toLowerCase(Locale.ROOT);
    Map<JobState, Integer> counts = new EnumMap<>(JobState.class);
    List<JobStatus> rows = new ArrayList<>();
    int matched = 0;
    int from = page * size;
    Function<String, String> addresses = StateLookups.addresses(s);
    for (Job j : treeOrder(s)) {
      if (!p.isEmpty() && !matchesPrefix(j.id(), p)) {
        continue;
      }
      counts.merge(j.state(), 1, Integer::sum);
      if (state != null && j.state() != state) {
        continue;
      }
      if (matched >= from && rows.size() < size) {
        rows.add(ProtoMapper.jobStatus(j, false, addresses));
      }
      matched++;
    }
    return new JobsPage(List.copyOf(rows), Map.copyOf(counts), matched, page, size, s.events().lastSequence());
  }

  /** See {@link StoreQuery.GetJobs}. */
  static JobsPage byId(ClusterState s, List<JobId> ids) {
    List<JobStatus> rows = new ArrayList<>();
    Function<String, String> addresses = StateLookups.addresses(s);
    for (JobId id : ids) {
      s.job(id).ifPresent(j -> rows.add(ProtoMapper.jobStatus(j, false, addresses)));
    }
    return new JobsPage(List.copyOf(rows), Map.of(), rows.size(), 0, rows.size(), s.events().lastSequence());
  }

  /** See {@link StoreQuery.GetJobDetail}. */
  static JobDetail detail(ClusterState s, JobId id, int taskOffset, int taskLimit) {
    Job job = StateLookups.job(s, id);
    Function<String, String> addresses = StateLookups.addresses(s);
    JobStatus.Builder b = ProtoMapper.jobStatus(job, false, addresses).toBuilder();
    int end = Math.min(job.numTasks(), taskOffset + taskLimit);
    for (int i = Math.max(0, taskOffset); i < end; i++) {
      b.addTasks(ProtoMapper.taskStatus(job, job.task(i), addresses));
    }
    List<JobStatus> children = new ArrayList<>();
    for (JobId c : s.childrenOf(id)) {
      s.job(c).ifPresent(cj -> children.add(ProtoMapper.jobStatus(cj, false, addresses)));
    }
    return new JobDetail(b.build(), List.copyOf(children), taskOffset, focusTask(job), s.events().lastSequence());
  }

  /** Root jobs newest first, each followed by its descendants. */
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
}
