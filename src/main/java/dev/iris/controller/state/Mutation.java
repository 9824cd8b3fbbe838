package dev.iris.controller.state;

import dev.iris.controller.state.ClusterState.AttemptReport;
import dev.iris.core.Endpoint;
import dev.iris.core.Job;
import dev.iris.core.JobId;
import dev.iris.core.JobSpec;
import dev.iris.core.JobState;
import dev.iris.core.TaskId;
import dev.iris.core.auth.Access;
import dev.iris.core.auth.AccessDenied;
import dev.iris.core.auth.Caller;
import dev.iris.scheduler.Plan;
import java.util.List;
import java.util.Map;

/**
 * A change to the cluster state, answered with an {@code R}: the closed family of everything that may
 * change controller state. Each record carries its inputs as immutable domain values, so a mutation and
 * the instant it was applied at are all it takes to apply it again: {@code m.applyTo(state, now)} on an
 * equal state has the same effects. That is where a journal belongs (it records each mutation as it is
 * committed, and recovery replays them through here). Reads are not mutations; they never change state.
 *
 * <p>Every record routes itself to one {@link ClusterState} command, so the dispatch is exhaustive by
 * construction: a new mutation does not compile until it says what it does.
 */
public sealed interface Mutation<R> {

  /** Applies this mutation to {@code state} at {@code now}; runs on the state's one thread. */
  R applyTo(ClusterState state, long now);

  /**
   * Adds a job (replacing a finished one of the same id); answers its id. {@code bundle} (null: none) is
   * handed over with the mutation: nobody writes to it afterwards. A finished job is replaced only when its
   * {@code submitter} may change it ({@link Access}): replacing a job forgets it and kills its descendants,
   * so no user takes over the id of another user's job. A coscheduled job that no group of the live workers
   * could ever hold is refused ({@link ClusterState#requireGangFits}).
   */
  record SubmitJob(JobSpec spec, byte[] bundle, Caller submitter) implements Mutation<JobId> {
    @Override
    public JobId applyTo(ClusterState state, long now) {
      state.job(spec.id()).filter(Job::isFinished).ifPresent(old -> {
        if (!Access.allows(submitter, Access.Permission.CHANGE_JOB, old.id(), old.spec().user())) {
          throw new AccessDenied(submitter.describe() + " may not reuse the id of job '" + old.id().value()
              + "': it belongs to '" + old.spec().user() + "' (a finished job is remembered for a while); "
              + "choose another name");
        }
      });
      state.requireGangFits(spec);
      return state.submit(spec, bundle, now).id();
    }
  }

  /** Kills a job and its descendants (finished jobs are left as they are); answers the job's state after. */
  record TerminateJob(JobId job, String reason) implements Mutation<JobState> {
    @Override
    public JobState applyTo(ClusterState state, long now) {
      state.terminate(job, reason, now);
      return state.job(job).orElseThrow().state();
    }
  }

  /** A worker registers (or comes back) with the attempts it runs, listed at {@code mark}. */
  record RegisterWorker(WorkerRecord.Registration registration, AcceptMark mark, List<AttemptReport> running,
      Caller caller) implements Mutation<Void> {
    public RegisterWorker {
      running = List.copyOf(running);
    }

    @Override
    public Void applyTo(ClusterState state, long now) {
      state.requireWorkerIdentity(registration.workerId(), caller, true);
      state.registerWorker(registration, mark, running, now);
      return null;
    }
  }

  /** A worker's heartbeat with its full list of attempts; answers false when it must register again. */
  record Heartbeat(String workerId, AcceptMark mark, List<AttemptReport> attempts, Caller caller)
      implements Mutation<Boolean> {
    public Heartbeat {
      attempts = List.copyOf(attempts);
    }

    @Override
    public Boolean applyTo(ClusterState state, long now) {
      state.requireWorkerIdentity(workerId, caller, false);
      return state.heartbeat(workerId, mark, attempts, now);
    }
  }

  /** Reports of one worker on its attempts, applied in order; stale ones are ignored. */
  record ReportTaskStates(String workerId, List<AttemptReport> reports, Caller caller) implements Mutation<Void> {
    public ReportTaskStates {
      reports = List.copyOf(reports);
    }

    @Override
    public Void applyTo(ClusterState state, long now) {
      state.requireWorkerIdentity(workerId, caller, false);
      reports.forEach(r -> state.report(workerId, r, now));
      return null;
    }
  }

  /** A scheduling pass's plan, re-checked and committed; answers how many assignments were committed. */
  record CommitPlan(Plan plan) implements Mutation<Integer> {
    @Override
    public Integer applyTo(ClusterState state, long now) {
      return state.commit(plan, now);
    }
  }

  /** The worker accepted the RunTask of the attempt, at {@code mark}. */
  record Delivered(TaskId task, int attemptId, String workerId, AcceptMark mark) implements Mutation<Void> {
    @Override
    public Void applyTo(ClusterState state, long now) {
      state.delivered(task, attemptId, workerId, mark);
      return null;
    }
  }

  /**
   * A RunTask could not be delivered; see
   * {@link ClusterState#deliveryFailed(TaskId, int, String, String, boolean, long)}.
   */
  record DeliveryFailed(TaskId task, int attemptId, String workerId, String reason, boolean mayHaveArrived)
      implements Mutation<Void> {
    @Override
    public Void applyTo(ClusterState state, long now) {
      state.deliveryFailed(task, attemptId, workerId, reason, mayHaveArrived, now);
      return null;
    }
  }

  /** The worker confirmed a fencing kill of the attempt, or is unreachable; see {@link ClusterState#fenced}. */
  record Fenced(TaskId task, int attemptId, String workerId) implements Mutation<Void> {
    @Override
    public Void applyTo(ClusterState state, long now) {
      state.fenced(task, attemptId, workerId, now);
      return null;
    }
  }

  /** A probe of a silent worker could not connect; see {@link ClusterState#workerUnreachable}. */
  record WorkerUnreachable(String workerId, String reason) implements Mutation<Void> {
    @Override
    public Void applyTo(ClusterState state, long now) {
      state.workerUnreachable(workerId, reason, now);
      return null;
    }
  }

  /** Publishes a named address of a job (of one of its running attempts when {@code task} is set). */
  record RegisterEndpoint(String name, String address, JobId job, TaskId task, int attemptId,
      Map<String, String> metadata) implements Mutation<Endpoint> {
    public RegisterEndpoint {
      metadata = Map.copyOf(metadata);
    }

    @Override
    public Endpoint applyTo(ClusterState state, long now) {
      return state.registerEndpoint(name, address, job, task, attemptId, metadata, now);
    }
  }

  /** Removes an endpoint; answers false when there was none of that id. */
  record UnregisterEndpoint(String endpointId) implements Mutation<Boolean> {
    @Override
    public Boolean applyTo(ClusterState state, long now) {
      return state.unregisterEndpoint(endpointId, now);
    }
  }

  /**
   * The store's periodic housekeeping: silent workers are made unschedulable, declared lost (or probed first), tasks
   * past their scheduling timeout become UNSCHEDULABLE, finished jobs past their retention are forgotten.
   * {@code stallMs}: how much later than its period this tick came (the store's event loop was blocked, a GC
   * pause), which does not count as any worker's silence.
   */
  record Tick(long stallMs) implements Mutation<Void> {
    public Tick {
      if (stallMs < 0) {
        throw new IllegalArgumentException("stallMs must not be negative, was " + stallMs);
      }
    }

    /** A tick on time. */
    public Tick() {
      this(0);
    }

    @Override
    public Void applyTo(ClusterState state, long now) {
      state.checkWorkerLiveness(now, stallMs);
      state.expireSchedulingTimeouts(now);
      state.forgetFinishedJobs(now);
      return null;
    }
  }

  /**
   * The controller started again on its state directory, after its journal was replayed: every known worker
   * counts as heard from now, so that the downtime does not declare them all lost at the first tick; those that
   * do not come back are lost a full lease (plus its margin) later, as any silent worker is, when they surely fenced
   * their attempts; unless known dead before (a refused probe).
   */
  record ControllerRestarted() implements Mutation<Void> {
    @Override
    public Void applyTo(ClusterState state, long now) {
      state.controllerRestarted(now);
      return null;
    }
  }

  /**
   * The store runs under {@code config} from now on (see {@link ClusterState#reconfigure}). Journaled as the first
   * record of a new state directory, and whenever a controller starts with another configuration than the one
   * its state was last running under: a replay then runs each record under the configuration it was applied
   * under.
   */
  record Reconfigure(StoreConfig config) implements Mutation<Void> {
    public Reconfigure {
      java.util.Objects.requireNonNull(config, "config");
    }

    @Override
    public Void applyTo(ClusterState state, long now) {
      state.reconfigure(config, now);
      return null;
    }
  }
}
