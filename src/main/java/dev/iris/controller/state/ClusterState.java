package dev.iris.controller.state;

import dev.iris.controller.state.StoreEvent.Kind;
import dev.iris.core.Endpoint;
import dev.iris.core.EndpointRegistry;
import dev.iris.core.Job;
import dev.iris.core.JobId;
import dev.iris.core.JobSpec;
import dev.iris.core.TaskAttempt;
import dev.iris.core.TaskId;
import dev.iris.core.TaskState;
import dev.iris.scheduler.GangFeasibility;
import dev.iris.scheduler.PendingRun;
import dev.iris.scheduler.Plan;
import dev.iris.scheduler.WorkerView;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * All controller state and the only code that changes it. Every command applies the domain core, then
 * interprets the effects: capacity released, tasks queued, endpoints dropped, events numbered, worker
 * commands queued in the {@link Outbox}. The owner drains the outbox after each command, so nothing is
 * published or sent before it is committed. Single-threaded by contract (the store verticle's).
 *
 * <p>This class is the façade; the work is done by the parts it owns and alone calls: {@link JobTable}
 * (jobs), {@link PlanCommitter} (scheduling), {@link Membership} (workers and their reports) and
 * {@link EffectInterpreter} (what the domain's effects mean for the rest of the state).
 */
public final class ClusterState {
  private StoreConfig config;
  private final PendingQueue queue = new PendingQueue();
  private final EndpointRegistry endpoints;
  private final EventLog events;
  private final ActionLog actions;
  private final Outbox outbox = new Outbox();
  private final Map<JobId, Job> jobMap = new LinkedHashMap<>();
  private final EffectInterpreter effects;
  private final JobTable jobs;
  private final PlanCommitter plans;
  private final Membership membership;

  public ClusterState(StoreConfig config) {
    this(config, new EndpointRegistry(), new EventLog(config.eventsRetained()), new ActionLog());
  }

  private ClusterState(StoreConfig config, EndpointRegistry endpoints, EventLog events, ActionLog actions) {
    this.config = config;
    this.endpoints = endpoints;
    this.events = events;
    this.actions = actions;
    Map<String, WorkerRecord> workerMap = new LinkedHashMap<>();
    this.effects = new EffectInterpreter(config, jobMap, workerMap, queue, endpoints, events, actions, outbox);
    this.jobs = new JobTable(jobMap, effects, events, actions);
    this.plans = new PlanCommitter(jobMap, workerMap, queue, effects, outbox, config.startCapacity());
    this.membership = new Membership(config, jobMap, workerMap, effects, actions, outbox);
  }

  // ================================================================== snapshots and configuration

  /**
   * The whole state as immutable values, taken on the store's thread: the tasks and attempts of unfinished jobs
   * and the workers are copied, everything else is shared (immutable already, or a finished job, which never
   * changes again). Measured at a million tasks (docs/DESIGN-durability.md): 1 ms when they are finished, 20-24 ms
   * when PENDING, 80 ms (up to 0.7 s on a busy machine) when all RUNNING. Whatever the state does afterwards, the image stays as it was, so it
   * may be encoded on another thread. The outbox is not part of it: take it between commands, once drained.
   */
  public StateImage image() {
    return new StateImage(config, jobs.image(), membership.image(), endpoints.image(), events.image(),
        actions.image(), queue.image(jobMap));
  }

  /** A state equal in every observable way to the one {@code image} was taken of; throws on an image that is not one. */
  public static ClusterState restore(StateImage image) {
    StoreConfig config = image.config();
    ClusterState s = new ClusterState(config, EndpointRegistry.restore(image.endpoints()),
        EventLog.restore(config.eventsRetained(), image.events()), ActionLog.restore(image.actions()));
    s.jobs.restore(image.jobs());
    s.membership.restore(image.workers());
    s.queue.restore(image.queue(), s.jobMap);
    return s;
  }

  /**
   * Runs under {@code next} from now on: timeouts, the start capacity, the retention of finished jobs (applied
   * at the next tick) and the number of events kept (the newest stay). Noted in the action log.
   */
  public void reconfigure(StoreConfig next, long now) {
    if (next.equals(config)) {
      return;
    }
    String changes = next.changesFrom(config);
    config = next;
    effects.configure(next);
    plans.configure(next);
    membership.configure(next);
    events.resize(next.eventsRetained());
    actions.add(now, "store reconfigured", "controller", changes);
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
    return jobs.sequenceBeforeSubmission(id);
  }

  /** Adds a job; a job of the same id that is still running is an error, a finished one is replaced. */
  public Job submit(JobSpec spec, byte[] bundle, long now) {
    return jobs.submit(spec, bundle, now);
  }

  /**
   * Refuses ({@link StoreException}, FAILED_PRECONDITION) a coscheduled job that no group of the live workers
   * could ever hold, however idle ({@link GangFeasibility}); passes any other job, and a gang while no worker is
   * alive (it waits for workers, and says so in its pending reason).
   */
  public void requireGangFits(JobSpec spec) {
    if (!spec.isGang()) {
      return;
    }
    List<GangFeasibility.Member> alive = new ArrayList<>();
    for (WorkerRecord w : membership.all()) {
      if (w.isAlive()) {
        alive.add(new GangFeasibility.Member(w.capacity(), w.attributes()));
      }
    }
    GangFeasibility.whyNever(spec, alive).ifPresent(why -> {
      throw StoreException.precondition(why + ": add workers to a group, or submit fewer replicas");
    });
  }

  /** Kills {@code id} and every descendant job; a no-op for jobs already finished. */
  public void terminate(JobId id, String reason, long now) {
    jobs.terminate(id, reason, now);
  }

  /** Forgets finished jobs past their retention ({@link StoreConfig.JobRetention}); returns how many. */
  public int forgetFinishedJobs(long now) {
    return jobs.forgetExpired(config.jobRetention(), now);
  }

  public Optional<Job> job(JobId id) {
    return Optional.ofNullable(jobs.get(id));
  }

  /** Every job in submission order (a live view: read it on the store's thread only). */
  public Collection<Job> jobs() {
    return jobs.all();
  }

  public List<JobId> childrenOf(JobId id) {
    return jobs.childrenOf(id);
  }

  public Optional<byte[]> bundle(String hash) {
    return Optional.ofNullable(jobs.bundle(hash));
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

  /**
   * What a worker says about one of its attempts.
   *
   * @param acceptedSeq where the worker accepted the attempt's RunTask ({@link AcceptMark#seq}; 0 unknown)
   */
  public record AttemptReport(TaskId task, int attemptId, TaskState state, int exitCode, String error,
      TaskAttempt.Observation observation, long acceptedSeq) {
    public AttemptReport(TaskId task, int attemptId, TaskState state, int exitCode, String error,
        TaskAttempt.Observation observation) {
      this(task, attemptId, state, exitCode, error, observation, 0);
    }
  }

  /** A worker's report of an attempt's state; stale, duplicate or foreign reports are ignored. */
  public boolean report(String workerId, AttemptReport report, long now) {
    return membership.report(workerId, report, now);
  }

  /** Reports ignored so far (stale attempt, duplicate, backwards); a health signal, not an error. */
  public long ignoredReports() {
    return membership.ignoredReports();
  }

  /** The worker accepted the RunTask of the attempt at {@code mark} (see {@link AcceptMark}). */
  public void delivered(TaskId task, int attemptId, String workerId, AcceptMark mark) {
    membership.delivered(task, attemptId, workerId, mark);
  }

  /**
   * RunTask did not reach the worker: the task goes back to PENDING for free, the worker is suspect. When
   * the RunTask {@code mayHaveArrived} (a timeout, an error answer: not a refused connection), the task is
   * not retried yet: a fencing kill goes to the worker first, and the task is retried when the kill is
   * confirmed ({@link #fenced}), or when the worker is lost; so an attempt never starts next to its retry.
   */
  public void deliveryFailed(TaskId task, int attemptId, String workerId, String reason, boolean mayHaveArrived,
      long now) {
    membership.deliveryFailed(task, attemptId, workerId, reason, mayHaveArrived, now);
  }

  /**
   * The worker confirmed a fencing kill of the attempt (or is unreachable): it will never start it. If the
   * attempt is still ASSIGNED, its task goes back to PENDING for free.
   */
  public void fenced(TaskId task, int attemptId, String workerId, long now) {
    membership.fenced(task, attemptId, workerId, now);
  }

  /** {@link #deliveryFailed(TaskId, int, String, String, boolean, long)} of a RunTask that surely did not arrive. */
  public void deliveryFailed(TaskId task, int attemptId, String workerId, String reason, long now) {
    deliveryFailed(task, attemptId, workerId, reason, false, now);
  }

  // ================================================================== membership

  /**
   * Registers a new worker, or re-registers a known or lost one (which comes back clean), with the list of
   * attempts it runs, taken at {@code mark}. Refuses ({@link StoreException}, ALREADY_EXISTS) another worker's
   * claim to the id of a live one: another incarnation at another address while the holder was heard from within
   * the worker timeout.
   */
  public void registerWorker(WorkerRecord.Registration r, AcceptMark mark, List<AttemptReport> running, long now) {
    membership.register(r, mark, running, now);
  }

  /** {@link #registerWorker(WorkerRecord.Registration, AcceptMark, List, long)} of a worker that sends no marks. */
  public void registerWorker(WorkerRecord.Registration r, List<AttemptReport> running, long now) {
    registerWorker(r, new AcceptMark(r.incarnation(), 0), running, now);
  }

  /**
   * A heartbeat with the worker's full list of attempts, taken at {@code mark}; false when the worker must
   * register again.
   */
  public boolean heartbeat(String workerId, AcceptMark mark, List<AttemptReport> attempts, long now) {
    return membership.heartbeat(workerId, mark, attempts, now);
  }

  /** {@link #heartbeat(String, AcceptMark, List, long)} of a worker that sends no marks. */
  public boolean heartbeat(String workerId, List<AttemptReport> attempts, long now) {
    return heartbeat(workerId, AcceptMark.NONE, attempts, now);
  }

  /** After a restart ({@link Mutation.ControllerRestarted}): every known worker counts as heard from at {@code now}. */
  public void controllerRestarted(long now) {
    membership.controllerRestarted(now);
  }

  /** {@link #checkWorkerLiveness(long, long)} with no stall of the controller's own. */
  public void checkWorkerLiveness(long now) {
    checkWorkerLiveness(now, 0);
  }

  /**
   * Workers silent for longer than the worker timeout become unschedulable (suspect); silent for longer than
   * {@link StoreConfig#lostAfterMs} (their lease surely ran out, or the worker timeout without leases) they are lost
   * and their attempts fail over. Workers silent for {@link StoreConfig#probeAfterMs} are probed (see
   * {@link #workerUnreachable}). {@code stallMs} of the controller's own stall since the previous check (its event
   * loop blocked, a GC pause) do not count as silence. More than half the workers (and more than 2) lost at once is
   * noted as suspect.
   */
  public void checkWorkerLiveness(long now, long stallMs) {
    membership.checkLiveness(now, stallMs);
  }

  /**
   * A probe of a silent worker was refused: nothing listens at its address any more, so its process is gone. The
   * worker is lost now rather than when its lease runs out, unless it spoke since.
   */
  public void workerUnreachable(String workerId, String reason, long now) {
    membership.unreachable(workerId, reason, now);
  }

  /**
   * Refuses ({@link dev.iris.core.auth.AccessDenied}) a {@code caller} that may not speak for {@code workerId}:
   * a worker id belongs to the token that first registered it (a worker token's, or an admin's), so no one
   * takes a worker over by registering under its id. {@code bind}: a registration, which claims a new id. An
   * admin may speak for any worker.
   */
  public void requireWorkerIdentity(String workerId, dev.iris.core.auth.Caller caller, boolean bind) {
    membership.requireIdentity(workerId, caller, bind);
  }

  public Optional<WorkerRecord> worker(String id) {
    return Optional.ofNullable(membership.get(id));
  }

  public Collection<WorkerRecord> workers() {
    return membership.all();
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
  public record Drained(List<StoreEvent> events, List<WorkerInstruction> commands, List<WorkerProbe> probes,
      boolean wakeScheduler) {}

  /** A request to check whether a silent worker's process still answers at {@code address}. */
  public record WorkerProbe(String workerId, String address) {}
}
