package dev.iris.controller.state;

import dev.iris.controller.state.ClusterState.AttemptReport;
import dev.iris.controller.state.ClusterState.WorkerProbe;
import dev.iris.controller.state.StoreEvent.Kind;
import dev.iris.controller.state.WorkerCommand.KillTask;
import dev.iris.core.Job;
import dev.iris.core.JobId;
import dev.iris.core.TaskAttempt;
import dev.iris.core.TaskId;
import dev.iris.core.TaskState;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The workers and what they say: registration, heartbeats reconciled against what each worker holds,
 * attempt reports, failed deliveries, and the liveness checks and probes that declare silent workers lost.
 */
final class Membership {
  private final StoreConfig config;
  private final Map<JobId, Job> jobs;
  private final Map<String, WorkerRecord> workers;
  private final EffectInterpreter effects;
  private final ActionLog actions;
  private final Outbox outbox;
  private long ignoredReports;

  /** {@code workers} is this part's own map, shared read-only with the other parts of {@link ClusterState}. */
  Membership(StoreConfig config, Map<JobId, Job> jobs, Map<String, WorkerRecord> workers,
      EffectInterpreter effects, ActionLog actions, Outbox outbox) {
    this.config = config;
    this.jobs = jobs;
    this.workers = workers;
    this.effects = effects;
    this.actions = actions;
    this.outbox = outbox;
  }

  /** The worker of that id, or null. */
  WorkerRecord get(String id) {
    return workers.get(id);
  }

  /** Every worker in registration order, a live read-only view. */
  Collection<WorkerRecord> all() {
    return Collections.unmodifiableCollection(workers.values());
  }

  // ------------------------------------------------------------------ attempt reports

  /** See {@link ClusterState#report}. */
  boolean report(String workerId, AttemptReport report, long now) {
    WorkerRecord from = workers.get(workerId);
    if (from != null && from.isAlive()) {
      from.spoke(now); // a worker busy reporting is alive even if its heartbeat waits behind the reports
    }
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

  long ignoredReports() {
    return ignoredReports;
  }

  /** See {@link ClusterState#deliveryFailed}. */
  void deliveryFailed(TaskId task, int attemptId, String workerId, String reason, long now) {
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

  // ------------------------------------------------------------------ registration and heartbeats

  /** See {@link ClusterState#registerWorker}. */
  void register(WorkerRecord.Registration r, List<AttemptReport> running, long now) {
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

  /** See {@link ClusterState#heartbeat}. */
  boolean heartbeat(String workerId, List<AttemptReport> attempts, long now) {
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

  // ------------------------------------------------------------------ liveness

  /** See {@link ClusterState#checkWorkerLiveness}. */
  void checkLiveness(long now) {
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

  /** See {@link ClusterState#workerUnreachable}. */
  void unreachable(String workerId, String reason, long now) {
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

  private void loseAttempts(WorkerRecord w, String why, long now) {
    for (WorkerRecord.Holding h : List.copyOf(w.holdings().values())) {
      Job job = jobs.get(h.task().job());
      if (job != null) {
        effects.apply(job, job.workerFailed(h.task().index(), h.attemptId(), why, now).effects(), now);
      }
      w.release(h.task(), h.attemptId());
    }
  }
}
