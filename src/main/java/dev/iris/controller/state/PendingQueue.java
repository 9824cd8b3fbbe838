package dev.iris.controller.state;

import dev.iris.core.Job;
import dev.iris.core.JobId;
import dev.iris.core.TaskState;
import dev.iris.scheduler.PendingRun;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * PENDING tasks in queue order, kept as runs of one job's task indices: a submission is one run, each
 * retry batch a new run at the back. Tasks that left PENDING are dropped lazily when runs are read, and
 * a task belongs only to the newest run it was added to: a task assigned and requeued before its old run
 * was compacted is PENDING again, but its place is at the back, not in the old run.
 */
final class PendingQueue {
  private static final class Run {
    final Job job;
    final long seq;
    int[] indices;

    Run(Job job, long seq, int[] indices) {
      this.job = job;
      this.seq = seq;
      this.indices = indices;
    }
  }

  /** Per queued job: the newest run each task was added to, and how many runs of the job are queued. */
  private static final class Owners {
    final long[] newestRun;
    int runs;

    Owners(int numTasks) {
      newestRun = new long[numTasks];
    }
  }

  private final ArrayDeque<Run> runs = new ArrayDeque<>();
  private final Map<Job, Owners> owners = new IdentityHashMap<>();
  private long nextSeq;

  void add(Job job, int[] indices) {
    if (indices.length > 0) {
      Run run = new Run(job, ++nextSeq, indices);
      Owners o = owners.computeIfAbsent(job, j -> new Owners(j.numTasks()));
      for (int i : indices) {
        o.newestRun[i] = run.seq;
      }
      o.runs++;
      runs.addLast(run);
    }
  }

  private void dropped(Run run) {
    Owners o = owners.get(run.job);
    if (o != null && --o.runs == 0) {
      owners.remove(run.job);
    }
  }

  /**
   * The queue as immutable values, without changing it: each run that still holds a PENDING task of a current,
   * unfinished job, with the indices it holds (what {@link #snapshot} would compact it to). Runs of replaced
   * or finished jobs, and tasks that left PENDING or were queued again later, are dropped: the queue never
   * shows them, and its order and the newest run of each task are all that the rest depends on.
   */
  List<StateImage.QueuedRun> image(Map<JobId, Job> jobs) {
    List<StateImage.QueuedRun> out = new ArrayList<>();
    for (Run run : runs) {
      if (jobs.get(run.job.id()) != run.job || run.job.isFinished()) {
        continue;
      }
      int[] held = stillPending(run, owners.get(run.job));
      if (held.length > 0) {
        out.add(new StateImage.QueuedRun(run.job.id(), held));
      }
    }
    return out;
  }

  /** Fills this empty queue with the runs of an image taken of one whose jobs are {@code jobs}. */
  void restore(List<StateImage.QueuedRun> image, Map<JobId, Job> jobs) {
    for (StateImage.QueuedRun r : image) {
      Job job = jobs.get(r.job());
      if (job == null) {
        throw new IllegalArgumentException("queued job " + r.job() + " is not in the table");
      }
      for (int i : r.indices()) {
        if (i < 0 || i >= job.numTasks()) {
          throw new IllegalArgumentException("queued task " + i + " of job " + r.job() + " is out of range");
        }
      }
      add(job, r.indices());
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
        dropped(run);
        continue;
      }
      run.indices = stillPending(run, owners.get(run.job));
      if (run.indices.length == 0) {
        it.remove();
        dropped(run);
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

  private static int[] stillPending(Run run, Owners owners) {
    int[] idx = run.indices;
    int n = 0;
    for (int i : idx) {
      if (queuedHere(run, owners, i)) {
        n++;
      }
    }
    if (n == idx.length) {
      return idx;
    }
    int[] kept = new int[n];
    int k = 0;
    for (int i : idx) {
      if (queuedHere(run, owners, i)) {
        kept[k++] = i;
      }
    }
    return kept;
  }

  private static boolean queuedHere(Run run, Owners owners, int index) {
    return run.job.task(index).state() == TaskState.PENDING && owners.newestRun[index] == run.seq;
  }

  private static boolean hasActive(Job job) {
    return job.count(TaskState.ASSIGNED) + job.count(TaskState.BUILDING) + job.count(TaskState.RUNNING) > 0;
  }

  private static PendingRun toRun(Job job, int[] indices) {
    return new PendingRun(job.id(), job.spec().resources(), job.spec().constraints(),
        job.spec().coscheduleBy(), indices);
  }
}
