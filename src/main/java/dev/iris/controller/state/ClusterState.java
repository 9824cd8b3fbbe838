package dev.iris.controller.state;

import dev.iris.controller.state.StoreEvent.Kind;
import dev.iris.controller.state.WorkerCommand.KillTask;
import dev.iris.controller.state.WorkerCommand.RunTask;
import dev.iris.core.Effect;
import dev.iris.core.Endpoint;
import dev.iris.core.EndpointRegistry;
import dev.iris.core.Job;
import dev.iris.core.JobId;
import dev.iris.core.JobSpec;
import dev.iris.core.JobState;
import dev.iris.core.Task;
import dev.iris.core.TaskAttempt;
import dev.iris.core.TaskId;
import dev.iris.core.TaskState;
import dev.iris.scheduler.Assignment;
import dev.iris.scheduler.PendingRun;
import dev.iris.scheduler.Plan;
import dev.iris.scheduler.WorkerView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * All controller state and the only code that changes it. Every command applies the domain core, then
 * interprets the effects: capacity released, tasks queued, endpoints dropped, events numbered, worker
 * commands queued in the {@link Outbox}. The owner drains the outbox after each command, so nothing is
 * published or sent before it is committed. Single-threaded by contract (the store verticle's).
 */
public final class ClusterState {
  private final StoreConfig config;
  private final Map<JobId, Job> jobs = new LinkedHashMap<>();
  private final Map<String, WorkerRecord> workers = new LinkedHashMap<>();
  private final PendingQueue queue = new PendingQueue();
  private final EndpointRegistry endpoints = new EndpointRegistry();
  private final EventLog events;
  private final ActionLog actions = new ActionLog();
  private final Outbox outbox = new Outbox();
  private long ignoredReports;
  private final EffectInterpreter effects;
  private final JobTable jobTable;
  private final PlanCommitter plans;

  public ClusterState(StoreConfig config) {
    this.config = config;
    this.events = new EventLog(config.eventsRetained());
    this.effects = new EffectInterpreter(config, jobs, workers, queue, endpoints, events, actions, outbox);
    this.jobTable = new JobTable(jobs, effects, events, actions);
    this.plans = new PlanCommitter(jobs, workers, queue, effects, outbox);
  }

  /** Replaces the observer told of each task transition (metrics). */
  public void observe(StoreObserver observer) {
    effects.observe(observer == null ? StoreObserver.NONE : observer);
  }

  public StoreConfig config() {
    return config;
  }

  /** What the last commands produced; the owner publishes and sends it, then it is empty again. */
  public Outbox outbox() {
    return outbox;
  }

  // ================================================================== jobs

  /**
   * The sequence just before job {@code id} was submitted (its current incarnation, if the id was used
   * before), or 0 for an unknown job: a watch of one job replays from here, never the events of an
   * earlier job of the same id.
   */
  public long sequenceBeforeSubmission(JobId id) {
    return jobTable.sequenceBeforeSubmission(id);
  }

  /** Adds a job; a job of the same id that is still running is an error, a finished one is replaced. */
  public Job submit(JobSpec spec, byte[] bundle, long now) {
    return jobTable.submit(spec, bundle, now);
  }

  /** Kills {@code id} and every descendant job; a no-op for jobs already finished. */
  public void terminate(JobId id, String reason, long now) {
    jobTable.terminate(id, reason, now);
  }

  public Optional<Job> job(JobId id) {
    return Optional.ofNullable(jobTable.get(id));
  }

  /** Every job in submission order (a live view: read it on the store's thread only). */
  public java.util.Collection<Job> jobs() {
    return jobTable.all();
  }

  public List<JobId> childrenOf(JobId id) {
    return jobTable.childrenOf(id);
  }

  public Optional<byte[]> bundle(String hash) {
    return Optional.ofNullable(jobTable.bundle(hash));
  }

  // ================================================================== scheduling

  /** What the scheduler needs, from this instant's state. */
  public record SchedulingInput(List<PendingRun> queue, List<WorkerView> workers) {}

  public SchedulingInput schedulingInput() {
    return plans.schedulingInput();
  }

  public boolean hasPending() {
    return plans.hasPending();
  }

  /**
   * Re-checks and commits a plan; returns how many assignments were committed. The assignments of a
   * coscheduled job are committed all together or, when any of them no longer holds, not at all.
   */
  public int commit(Plan plan, long now) {
    return plans.commit(plan, now);
  }

  /** Tasks that waited PENDING longer than their job's scheduling timeout become UNSCHEDULABLE. */
  public void expireSchedulingTimeouts(long now) {
    plans.expireSchedulingTimeouts(now);
  }

  // ================================================================== worker reports

  /** What a worker says about one of its attempts. */
  public record AttemptReport(TaskId task, int attemptId, TaskState state, int exitCode, String error,
      TaskAttempt.Observation observation) {}

  /** A worker's report of an attempt's state; stale, duplicate or foreign reports are ignored. */
  public boolean report(String workerId, AttemptReport report, long now) {
    Job job = jobs.get(report.task().job());
    if (job == null || report.task().index() >= job.numTasks()) {
      ignoredReports++;
      return false;
    }
    TaskAttempt current = job.task(report.task().index()).currentAttempt();
    if (current == null || current.attemptId() != report.attemptId() || !current.workerId().equals(workerId)) {
      ignoredReports++;
      return false;
    }
    Job.Result r = job.report(report.task().index(), report.attemptId(), report.state(),
        report.exitCode(), report.error(), report.observation(), now);
    if (r.wasIgnored()) {
      ignoredReports++;
      return false;
    }
    effects.apply(job, r.effects(), now);
    return true;
  }

  /** Reports ignored so far (stale attempt, duplicate, backwards); a health signal, not an error. */
  public long ignoredReports() {
    return ignoredReports;
  }

  /** RunTask never reached the worker: the task goes back to PENDING for free, the worker is suspect. */
  public void deliveryFailed(TaskId task, int attemptId, String workerId, String reason, long now) {
    Job job = jobs.get(task.job());
    if (job == null) {
      return;
    }
    Job.Result r = job.deliveryFailed(task.index(), attemptId, "not delivered to " + workerId + ": " + reason, now);
    if (r.wasIgnored()) {
      return;
    }
    effects.apply(job, r.effects(), now);
    WorkerRecord w = workers.get(workerId);
    if (w != null && w.isAlive()) {
      w.markSuspect();
      actions.add(now, "worker suspect", workerId, "RunTask " + task + " failed: " + reason);
    }
  }

  // ================================================================== membership

  /** Registers a new worker, or re-registers a known or lost one (which comes back clean). */
  public void registerWorker(WorkerRecord.Registration r, List<AttemptReport> running, long now) {
    WorkerRecord w = workers.get(r.workerId());
    if (w == null) {
      w = new WorkerRecord(r, now);
      workers.put(r.workerId(), w);
    } else {
      if (w.isAlive() && !w.address().equals(r.address())) {
        loseAttempts(w, "worker " + w.id() + " re-registered from a new address", now);
      }
      w.reregister(r, now);
    }
    effects.emit(now, Kind.WORKER_REGISTERED, null, null, r.workerId(), null, null, -1,
        r.address() + " " + r.capacity(), null);
    actions.add(now, "worker registered", r.workerId(), r.address() + ", " + r.capacity());
    reconcile(w, running, now);
    outbox.nudgeScheduler();
  }

  /** A heartbeat with the worker's full list of attempts; false when the worker must register again. */
  public boolean heartbeat(String workerId, List<AttemptReport> attempts, long now) {
    WorkerRecord w = workers.get(workerId);
    if (w == null || !w.isAlive()) {
      return false;
    }
    boolean wasSuspect = w.isSuspect();
    w.heard(now);
    reconcile(w, attempts, now);
    if (wasSuspect) {
      outbox.nudgeScheduler();
    }
    return true;
  }

  /**
   * Workers silent for longer than the heartbeat timeout are lost; their attempts fail over. Workers
   * silent for {@link StoreConfig#probeAfterMs} are probed (see {@link #workerUnreachable}).
   */
  public void checkWorkerLiveness(long now) {
    for (WorkerRecord w : workers.values()) {
      if (!w.isAlive()) {
        continue;
      }
      long silentMs = now - w.lastHeartbeatMs();
      if (silentMs > config.workerTimeoutMs()) {
        lose(w, "worker " + w.id() + " lost (no heartbeat for " + silentMs + " ms)", now);
      } else if (w.probeDue(now, config.probeAfterMs())) {
        outbox.probe(new WorkerProbe(w.id(), w.address()));
      }
    }
  }

  /**
   * A probe of a silent worker could not even connect: nothing listens at its address any more, so its
   * process is gone. The worker is lost now rather than at the heartbeat timeout, unless it spoke since.
   */
  public void workerUnreachable(String workerId, String reason, long now) {
    WorkerRecord w = workers.get(workerId);
    if (w == null || !w.isAlive() || now - w.lastHeartbeatMs() < config.probeAfterMs()) {
      return;
    }
    lose(w, "worker " + w.id() + " lost (unreachable after " + (now - w.lastHeartbeatMs())
        + " ms without heartbeat: " + reason + ")", now);
  }

  private void lose(WorkerRecord w, String why, long now) {
    w.markLost();
    effects.observer().workerLost();
    effects.emit(now, Kind.WORKER_LOST, null, null, w.id(), null, null, -1, why, null);
    actions.add(now, "worker lost", w.id(), why);
    loseAttempts(w, why, now);
  }

  public Optional<WorkerRecord> worker(String id) {
    return Optional.ofNullable(workers.get(id));
  }

  public java.util.Collection<WorkerRecord> workers() {
    return java.util.Collections.unmodifiableCollection(workers.values());
  }

  private void loseAttempts(WorkerRecord w, String why, long now) {
    for (WorkerRecord.Holding h : List.copyOf(w.holdings().values())) {
      Job job = jobs.get(h.task().job());
      if (job != null) {
        effects.apply(job, job.workerFailed(h.task().index(), h.attemptId(), why, now).effects(), now);
      }
      w.release(h.task(), h.attemptId());
    }
  }

  private void reconcile(WorkerRecord w, List<AttemptReport> reported, long now) {
    // a worker may list several attempts of one task (an ended one next to its retry), in any order
    Map<TaskId, Set<Integer>> listed = new HashMap<>();
    for (AttemptReport r : reported) {
      listed.computeIfAbsent(r.task(), t -> new HashSet<>()).add(r.attemptId());
      WorkerRecord.Holding h = w.holdings().get(r.task());
      if (h != null && h.attemptId() == r.attemptId()) {
        report(w.id(), r, now);
      } else if (!r.state().isTerminal()) {
        outbox.send(new KillTask(w.id(), w.address(), r.task(), r.attemptId(), config.killGraceMs()));
        actions.add(now, "unexpected attempt killed", r.task().toString(),
            "attempt " + r.attemptId() + " on " + w.id());
      }
    }
    for (WorkerRecord.Holding h : List.copyOf(w.holdings().values())) {
      if (listed.getOrDefault(h.task(), Set.of()).contains(h.attemptId())) {
        continue;
      }
      Job job = jobs.get(h.task().job());
      TaskAttempt a = job == null ? null : job.task(h.task().index()).currentAttempt();
      if (a != null && a.state() == TaskState.ASSIGNED && now - a.assignedAtMs() < config.deliveryGraceMs()) {
        continue; // RunTask may still be in flight
      }
      if (job != null) {
        effects.apply(job, job.workerFailed(h.task().index(), h.attemptId(),
            "worker " + w.id() + " does not know attempt " + h.attemptId(), now).effects(), now);
      }
      w.release(h.task(), h.attemptId());
    }
  }

  // ================================================================== endpoints

  public Endpoint registerEndpoint(String name, String address, JobId jobId, TaskId task, int attemptId,
      Map<String, String> metadata, long now) {
    Job job = jobs.get(jobId);
    if (job == null) {
      throw StoreException.notFound("job " + jobId + " not found");
    }
    if (job.isFinished()) {
      throw StoreException.precondition("job " + jobId + " already finished " + job.state());
    }
    if (task != null) {
      if (!task.job().equals(jobId) || task.index() >= job.numTasks()) {
        throw StoreException.notFound("task " + task + " not found in job " + jobId);
      }
      TaskAttempt a = job.task(task.index()).currentAttempt();
      if (a == null || a.attemptId() != attemptId || !a.isActive()) {
        throw StoreException.precondition("attempt " + attemptId + " of " + task + " is not running");
      }
    }
    Endpoint e = endpoints.register(name, address, jobId, task, attemptId, metadata);
    effects.emit(now, Kind.ENDPOINT_ADDED, jobId.value(), task == null ? null : task.toString(), null, null,
        null, attemptId, address, name);
    return e;
  }

  public boolean unregisterEndpoint(String endpointId, long now) {
    Optional<Endpoint> e = endpoints.unregister(endpointId);
    e.ifPresent(x -> effects.emitEndpointRemoved(x, now));
    return e.isPresent();
  }

  public EndpointRegistry endpoints() {
    return endpoints;
  }

  // ================================================================== events

  public EventLog events() {
    return events;
  }

  public ActionLog actions() {
    return actions;
  }

  /** A drained outbox. */
  public record Drained(List<StoreEvent> events, List<WorkerCommand> commands, List<WorkerProbe> probes,
      boolean wakeScheduler) {}

  /** A request to check whether a silent worker's process still answers at {@code address}. */
  public record WorkerProbe(String workerId, String address) {}
}
