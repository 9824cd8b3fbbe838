package dev.iris.controller.state;

import dev.iris.controller.state.StoreEvent.Kind;
import dev.iris.core.Effect;
import dev.iris.core.Job;
import dev.iris.core.JobId;
import dev.iris.core.JobSpec;
import dev.iris.core.JobState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The jobs and what hangs off them (parent-child links, bundles, where each job begins in the event log,
 * where a reused id numbers its attempts from), with submission, termination and forgetting.
 */
final class JobTable {
  private final Map<JobId, Job> jobs;
  private final Map<JobId, List<JobId>> children = new HashMap<>();
  /**
   * For ids of jobs that were replaced or forgotten: where the next job of that id numbers its attempts from (so a
   * late report of an old attempt is never taken for a new one). The oldest are dropped beyond as many as finished
   * jobs are remembered: an endless stream of job ids leaves a bounded trail.
   */
  private final LinkedHashMap<JobId, Integer> nextAttemptIds = new LinkedHashMap<>();
  /** The sequence of each known job's JOB_SUBMITTED event: where the job, as it is now, begins in the log. */
  private final Map<JobId, Long> submittedSequence = new HashMap<>();
  private final Map<String, byte[]> bundles = new HashMap<>();
  /** Finished top-level jobs, oldest finished first, and how many tasks and jobs their trees hold. */
  private final ArrayDeque<FinishedJob> finishedRoots = new ArrayDeque<>();
  private long finishedTasks;
  private long finishedJobCount;
  private final EffectInterpreter effects;
  private final EventLog events;
  private final ActionLog actions;

  /** {@code jobs} is the table's own map, shared read-only with the other parts of {@link ClusterState}. */
  JobTable(Map<JobId, Job> jobs, EffectInterpreter effects, EventLog events, ActionLog actions) {
    this.jobs = jobs;
    this.effects = effects;
    this.events = events;
    this.actions = actions;
  }

  /** The job of that id, or null. */
  Job get(JobId id) {
    return jobs.get(id);
  }

  /** Every job in submission order, a live read-only view. */
  Collection<Job> all() {
    return Collections.unmodifiableCollection(jobs.values());
  }

  List<JobId> childrenOf(JobId id) {
    return List.copyOf(children.getOrDefault(id, List.of()));
  }

  /** The bundle of that hash, or null. */
  byte[] bundle(String hash) {
    return bundles.get(hash);
  }

  /** See {@link ClusterState#sequenceBeforeSubmission}. */
  long sequenceBeforeSubmission(JobId id) {
    Long seq = submittedSequence.get(id);
    return seq == null ? 0 : seq - 1;
  }

  /** See {@link ClusterState#submit}. */
  Job submit(JobSpec spec, byte[] bundle, long now) {
    JobId id = spec.id();
    Job existing = jobs.get(id);
    if (existing != null && !existing.isFinished()) {
      throw StoreException.alreadyExists("job " + id + " is already running (" + existing.state() + ")");
    }
    JobId parent = id.parent();
    if (parent != null) {
      Job p = jobs.get(parent);
      if (p == null) {
        throw StoreException.notFound("parent job " + parent + " not found");
      }
      if (p.isFinished()) {
        throw StoreException.precondition("parent job " + parent + " already finished " + p.state());
      }
    }
    if (existing != null) {
      // the old job's descendants may still run: stop them (releasing what they hold) before forgetting them
      for (JobId child : childrenOf(id)) {
        if (jobs.containsKey(child)) {
          terminate(child, "killed: parent job " + id + " was resubmitted", now);
        }
      }
      forget(id);
      if (parent != null) {
        children.getOrDefault(parent, new ArrayList<>()).remove(id);
      }
    }
    if (bundle != null && bundle.length > 0) {
      bundles.put(spec.bundleHash(), bundle);
    }
    List<Effect> produced = new ArrayList<>();
    Integer firstAttemptId = nextAttemptIds.remove(id);
    Job job = Job.submit(spec, firstAttemptId == null ? 0 : firstAttemptId, now, produced);
    jobs.put(id, job);
    if (parent != null) {
      children.computeIfAbsent(parent, p -> new ArrayList<>()).add(id);
    }
    effects.emit(now, Kind.JOB_SUBMITTED, id.value(), null, null, JobState.PENDING, null, -1,
        spec.replicas() + " task(s): " + String.join(" ", spec.argv()), null);
    submittedSequence.put(id, events.lastSequence());
    actions.add(now, "job submitted", id.value(), spec.replicas() + " replica(s)");
    effects.apply(job, produced, now);
    return job;
  }

  /** See {@link ClusterState#terminate}. */
  void terminate(JobId id, String reason, long now) {
    Job job = jobs.get(id);
    if (job == null) {
      throw StoreException.notFound("job " + id + " not found");
    }
    for (JobId child : List.copyOf(children.getOrDefault(id, List.of()))) {
      if (jobs.containsKey(child)) {
        terminate(child, "killed: parent job " + id + " was terminated", now);
      }
    }
    Job.Result r = job.kill(reason, now);
    if (!r.wasIgnored()) {
      actions.add(now, "job killed", id.value(), reason);
      effects.apply(job, r.effects(), now);
    }
  }

  /**
   * Forgets finished top-level jobs (and their child jobs) past the retention of {@code config}: those that
   * finished longer ago than its time to live, then the oldest finished while the finished jobs remembered
   * hold more tasks than it allows. A job tree with a job still running is kept. Returns how many top-level
   * jobs were forgotten.
   */
  int forgetExpired(StoreConfig.JobRetention retention, long now) {
    for (EffectInterpreter.FinishedEntry f; (f = effects.finishedJobs().pollFirst()) != null; ) {
      if (f.id().parent() == null) {
        FinishedJob root = new FinishedJob(f.id(), f.job(), treeTasks(f.id()), treeJobs(f.id()));
        finishedRoots.addLast(root);
        finishedTasks += root.tasks();
        finishedJobCount += root.jobs();
      }
    }
    int forgotten = 0;
    while (!finishedRoots.isEmpty()) {
      FinishedJob oldest = finishedRoots.peekFirst();
      Job job = oldest.job();
      boolean gone = job == null || jobs.get(oldest.id()) != job; // replaced by a newer job of that id
      if (!gone && now - job.finishedAtMs() < retention.finishedJobTtlMs()
          && finishedTasks <= retention.finishedTasks() && finishedJobCount <= retention.finishedJobs()) {
        break;
      }
      finishedRoots.pollFirst();
      if (!gone && !treeFinished(job.id())) {
        finishedRoots.addLast(oldest); // a child job still runs: try again later
        break;
      }
      finishedTasks -= oldest.tasks();
      finishedJobCount -= oldest.jobs();
      if (!gone) {
        actions.add(now, "job forgotten", job.id().value(), "finished " + (now - job.finishedAtMs()) / 1000
            + " s ago, " + oldest.tasks() + " task(s)");
        forget(job.id());
        forgotten++;
      }
    }
    for (var oldest = nextAttemptIds.keySet().iterator(); nextAttemptIds.size() > retention.finishedJobs(); ) {
      oldest.next();
      oldest.remove();
    }
    return forgotten;
  }

  /**
   * A finished top-level job and how many tasks and jobs its tree held when it finished; {@code job} null: one
   * replaced by a newer job of its id before a snapshot was taken (only its counts still matter).
   */
  private record FinishedJob(JobId id, Job job, long tasks, long jobs) {}

  private long treeJobs(JobId id) {
    long n = jobs.containsKey(id) ? 1 : 0;
    for (JobId child : children.getOrDefault(id, List.of())) {
      n += treeJobs(child);
    }
    return n;
  }

  private long treeTasks(JobId id) {
    Job j = jobs.get(id);
    long n = j == null ? 0 : j.numTasks();
    for (JobId child : children.getOrDefault(id, List.of())) {
      n += treeTasks(child);
    }
    return n;
  }

  private boolean treeFinished(JobId id) {
    Job j = jobs.get(id);
    if (j != null && !j.isFinished()) {
      return false;
    }
    for (JobId child : children.getOrDefault(id, List.of())) {
      if (!treeFinished(child)) {
        return false;
      }
    }
    return true;
  }

  // ------------------------------------------------------------------ snapshots

  /** The table as immutable values (see {@link StateImage}); each job copied. */
  StateImage.JobsImage image() {
    List<Job.JobImage> all = new ArrayList<>(jobs.size());
    for (Job j : jobs.values()) {
      all.add(j.image());
    }
    Map<JobId, List<JobId>> kids = new HashMap<>(children.size() * 2);
    children.forEach((parent, ids) -> kids.put(parent, List.copyOf(ids)));
    List<StateImage.FinishedRoot> roots = new ArrayList<>(finishedRoots.size());
    for (FinishedJob f : finishedRoots) {
      roots.add(new StateImage.FinishedRoot(f.id(), f.job() == null || jobs.get(f.id()) != f.job(), f.tasks(),
          f.jobs()));
    }
    List<StateImage.JustFinished> just = new ArrayList<>(effects.finishedJobs().size());
    for (EffectInterpreter.FinishedEntry f : effects.finishedJobs()) {
      just.add(new StateImage.JustFinished(f.id(), f.job() == null || jobs.get(f.id()) != f.job()));
    }
    return new StateImage.JobsImage(List.copyOf(all), Map.copyOf(kids),
        java.util.Collections.unmodifiableMap(new LinkedHashMap<>(nextAttemptIds)),
        Map.copyOf(submittedSequence), Map.copyOf(bundles), List.copyOf(roots), List.copyOf(just));
  }

  /** Fills this empty table with the jobs of {@code image}. */
  void restore(StateImage.JobsImage image) {
    for (Job.JobImage j : image.jobs()) {
      Job job = Job.restore(j);
      if (jobs.put(job.id(), job) != null) {
        throw new IllegalArgumentException("job " + job.id() + " twice");
      }
    }
    image.children().forEach((parent, ids) -> children.put(parent, new ArrayList<>(ids)));
    nextAttemptIds.putAll(image.nextAttemptIds());
    submittedSequence.putAll(image.submittedSequence());
    bundles.putAll(image.bundles());
    for (StateImage.FinishedRoot f : image.finishedRoots()) {
      FinishedJob root = new FinishedJob(f.job(), f.replaced() ? null : current(f.job()), f.tasks(), f.jobs());
      finishedRoots.addLast(root);
      finishedTasks += root.tasks();
      finishedJobCount += root.jobs();
    }
    for (StateImage.JustFinished f : image.justFinished()) {
      effects.finishedJobs().addLast(new EffectInterpreter.FinishedEntry(f.job(), f.replaced() ? null : current(f.job())));
    }
  }

  private Job current(JobId id) {
    Job j = jobs.get(id);
    if (j == null) {
      throw new IllegalArgumentException("finished job " + id + " is not in the table");
    }
    return j;
  }

  /** Drops a job and its descendants, remembering where their ids number attempts from next time. */
  private void forget(JobId id) {
    for (JobId child : children.getOrDefault(id, List.of())) {
      forget(child);
    }
    children.remove(id);
    Job old = jobs.remove(id);
    if (old != null) {
      nextAttemptIds.remove(id); // to the end: the newest
      nextAttemptIds.put(id, old.nextFirstAttemptId());
    }
    submittedSequence.remove(id);
    if (old != null && !old.spec().bundleHash().isEmpty()
        && jobs.values().stream().noneMatch(j -> j.spec().bundleHash().equals(old.spec().bundleHash()))) {
      bundles.remove(old.spec().bundleHash());
    }
  }
}
