package dev.iris.controller.state;

import dev.iris.core.Job;
import dev.iris.core.JobId;
import dev.iris.core.TaskState;
import dev.iris.scheduler.PendingRun;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * PENDING tasks in queue order, kept as runs of one job's task indices: a submission is one run, each
 * retry batch a new run at the back. Tasks that left PENDING are dropped lazily when runs are read.
 */
final class PendingQueue {
  private static final class Run {
    final Job job;
    int[] indices;

    Run(Job job, int[] indices) {
      this.job = job;
      this.indices = indices;
    }
  }

  private final ArrayDeque<Run> runs = new ArrayDeque<>();

  void add(Job job, int[] indices) {
    if (indices.length > 0) {
      runs.addLast(new Run(job, indices));
    }
  }

  boolean isEmpty() {
    return runs.isEmpty();
  }

  /**
   * The runs to schedule, compacted to tasks still PENDING. A gang job is offered once, as one run of all
   * its pending tasks at the place of its earliest run, and only while none of its tasks is active.
   */
  List<PendingRun> snapshot(Map<JobId, Job> jobs) {
    List<PendingRun> out = new ArrayList<>();
    Map<JobId, List<Integer>> gangs = new LinkedHashMap<>();
    Set<JobId> gangBlocked = new HashSet<>();
    for (Iterator<Run> it = runs.iterator(); it.hasNext(); ) {
      Run run = it.next();
      if (jobs.get(run.job.id()) != run.job || run.job.isFinished()) {
        it.remove();
        continue;
      }
      run.indices = stillPending(run);
      if (run.indices.length == 0) {
        it.remove();
        continue;
      }
      if (run.job.spec().isGang()) {
        JobId id = run.job.id();
        if (gangBlocked.contains(id) || hasActive(run.job)) {
          gangBlocked.add(id);
          continue;
        }
        List<Integer> all = gangs.get(id);
        if (all == null) {
          all = new ArrayList<>();
          gangs.put(id, all);
          out.add(null); // placeholder, filled below to keep the gang's queue position
        }
        for (int i : run.indices) {
          all.add(i);
        }
        continue;
      }
      out.add(toRun(run.job, run.indices));
    }
    if (!gangs.isEmpty()) {
      Iterator<Map.Entry<JobId, List<Integer>>> g = gangs.entrySet().iterator();
      for (int i = 0; i < out.size(); i++) {
        if (out.get(i) == null) {
          Map.Entry<JobId, List<Integer>> e = g.next();
          int[] idx = e.getValue().stream().mapToInt(Integer::intValue).sorted().distinct().toArray();
          out.set(i, toRun(jobs.get(e.getKey()), idx));
        }
      }
    }
    return out;
  }

  private static int[] stillPending(Run run) {
    int[] idx = run.indices;
    int n = 0;
    for (int i : idx) {
      if (run.job.task(i).state() == TaskState.PENDING) {
        n++;
      }
    }
    if (n == idx.length) {
      return idx;
    }
    int[] kept = new int[n];
    int k = 0;
    for (int i : idx) {
      if (run.job.task(i).state() == TaskState.PENDING) {
        kept[k++] = i;
      }
    }
    return kept;
  }

  private static boolean hasActive(Job job) {
    return job.count(TaskState.ASSIGNED) + job.count(TaskState.BUILDING) + job.count(TaskState.RUNNING) > 0;
  }

  private static PendingRun toRun(Job job, int[] indices) {
    return new PendingRun(job.id(), job.spec().resources(), job.spec().constraints(),
        job.spec().coscheduleBy(), indices);
  }
}
