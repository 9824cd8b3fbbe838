package dev.iris.controller.state;

import dev.iris.controller.state.StoreEvent.Kind;
import dev.iris.controller.state.WorkerInstruction.KillTask;
import dev.iris.core.Effect;
import dev.iris.core.Endpoint;
import dev.iris.core.EndpointRegistry;
import dev.iris.core.Job;
import dev.iris.core.JobId;
import dev.iris.core.JobState;
import dev.iris.core.TaskState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Carries out the domain's effects on the rest of the state (capacity released, tasks queued, endpoints
 * dropped, kills sent) and numbers every store event into the {@link EventLog} and the {@link Outbox}.
 */
final class EffectInterpreter {
  private StoreConfig config;
  private final Map<JobId, Job> jobs;
  private final Map<String, WorkerRecord> workers;
  private final PendingQueue queue;
  private final EndpointRegistry endpoints;
  private final EventLog events;
  private final ActionLog actions;
  private final Outbox outbox;
  /** Jobs in the order they finished, for {@link JobTable#forgetExpired} to take. */
  private final ArrayDeque<FinishedEntry> finished = new ArrayDeque<>();
  private StoreObserver observer = StoreObserver.NONE;

  EffectInterpreter(StoreConfig config, Map<JobId, Job> jobs, Map<String, WorkerRecord> workers,
      PendingQueue queue, EndpointRegistry endpoints, EventLog events, ActionLog actions, Outbox outbox) {
    this.config = config;
    this.jobs = jobs;
    this.workers = workers;
    this.queue = queue;
    this.endpoints = endpoints;
    this.events = events;
    this.actions = actions;
    this.outbox = outbox;
  }

  void configure(StoreConfig c) {
    config = c;
  }

  void observe(StoreObserver observer) {
    this.observer = observer;
  }

  /** The observer told of each task transition and each lost worker (metrics). */
  StoreObserver observer() {
    return observer;
  }

  /** Interprets the effects one command on {@code job} produced. */
  void apply(Job job, List<Effect> effects, long now) {
    Map<JobId, List<Integer>> requeued = null;
    for (Effect e : effects) {
      if (e instanceof Effect.TaskChanged c) {
        observer.taskChanged(c.from(), c.to(), c.attemptId() == job.firstAttemptId(), now - job.submittedAtMs());
        emit(now, Kind.TASK_STATE_CHANGED, c.task().job().value(), c.task().toString(), c.workerId(), null,
            c.to(), c.attemptId(), c.message(), null);
      } else if (e instanceof Effect.JobChanged c) {
        onJobChanged(job, c, now);
      } else if (e instanceof Effect.AttemptEnded ended) {
        onAttemptEnded(ended, now);
      } else if (e instanceof Effect.Enqueued q) {
        if (requeued == null) {
          requeued = new LinkedHashMap<>();
        }
        requeued.computeIfAbsent(q.task().job(), j -> new ArrayList<>()).add(q.task().index());
      }
    }
    if (requeued != null) {
      requeued.forEach((id, idx) -> queue.add(jobs.get(id), idx.stream().mapToInt(Integer::intValue).toArray()));
      outbox.nudgeScheduler();
    }
  }

  private void onJobChanged(Job job, Effect.JobChanged c, long now) {
    emit(now, Kind.JOB_STATE_CHANGED, c.job().value(), null, null, c.to(), null, -1, c.error(), null);
    if (c.to().isTerminal()) {
      finished.addLast(new FinishedEntry(job.id(), job));
      actions.add(now, c.to() == JobState.FAILED ? "failure domain triggered" : "job finished",
          c.job().value(), c.to() + (c.error().isEmpty() ? "" : ": " + c.error()));
      for (Endpoint e : endpoints.removeForJob(job.id())) {
        emitEndpointRemoved(e, now);
      }
    }
  }

  private void onAttemptEnded(Effect.AttemptEnded ended, long now) {
    WorkerRecord w = workers.get(ended.workerId());
    if (w != null) {
      w.release(ended.task(), ended.attemptId());
      if (ended.stopOnWorker() && w.isAlive()) {
        outbox.send(new KillTask(w.id(), w.address(), ended.task(), ended.attemptId(), config.killGraceMs()));
      }
    }
    for (Endpoint e : endpoints.removeForAttempt(ended.task(), ended.attemptId())) {
      emitEndpointRemoved(e, now);
    }
    outbox.nudgeScheduler();
  }

  /** The jobs that finished since the last call, in the order they finished. */
  ArrayDeque<FinishedEntry> finishedJobs() {
    return finished;
  }

  /**
   * A job that finished; {@code job} null: one replaced by a newer job of its id before a snapshot was taken
   * (restored from that snapshot, only its id still matters).
   */
  record FinishedEntry(JobId id, Job job) {}

  void emitEndpointRemoved(Endpoint e, long now) {
    emit(now, Kind.ENDPOINT_REMOVED, e.job().value(), e.task() == null ? null : e.task().toString(), null,
        null, null, e.attemptId(), e.address(), e.name());
  }

  /** Numbers an event into the log and queues it for publishing. */
  void emit(long now, Kind kind, String jobId, String taskId, String workerId, JobState jobState,
      TaskState taskState, int attemptId, String message, String endpointName) {
    outbox.publish(events.append(new StoreEvent(0, now, kind, jobId, taskId, workerId, jobState,
        taskState, attemptId, message == null ? "" : message, endpointName)));
  }
}
