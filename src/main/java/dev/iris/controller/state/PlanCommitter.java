package dev.iris.controller.state;

import dev.iris.controller.state.ClusterState.SchedulingInput;
import dev.iris.controller.state.WorkerInstruction.RunTask;
import dev.iris.core.Job;
import dev.iris.core.JobId;
import dev.iris.core.Task;
import dev.iris.core.TaskId;
import dev.iris.core.TaskState;
import dev.iris.scheduler.Assignment;
import dev.iris.scheduler.Plan;
import dev.iris.scheduler.WorkerView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The store's side of scheduling: the snapshot the scheduler decides on, the re-check and commit of its
 * plans (whole gangs or nothing), and the expiry of tasks that waited too long to be placed.
 */
final class PlanCommitter {
  private final Map<JobId, Job> jobs;
  private final Map<String, WorkerRecord> workers;
  private final PendingQueue queue;
  private final EffectInterpreter effects;
  private final Outbox outbox;
  private int startCapacity;

  PlanCommitter(Map<JobId, Job> jobs, Map<String, WorkerRecord> workers, PendingQueue queue,
      EffectInterpreter effects, Outbox outbox, int startCapacity) {
    this.startCapacity = startCapacity;
    this.jobs = jobs;
    this.workers = workers;
    this.queue = queue;
    this.effects = effects;
    this.outbox = outbox;
  }

  void configure(StoreConfig c) {
    startCapacity = c.startCapacity();
  }

  /**
   * The pending queue and the live workers, least loaded first (fewest attempts held, then registration
   * order): the scheduler's first fit then spreads work over equal workers instead of filling one, and
   * each worker offers only its free start slots, so no worker is given more than it can start.
   */
  SchedulingInput schedulingInput() {
    List<WorkerRecord> live = new ArrayList<>(workers.size());
    for (WorkerRecord w : workers.values()) {
      if (w.isAlive()) {
        live.add(w);
      }
    }
    live.sort(Comparator.comparingInt(w -> w.holdings().size())); // stable: ties keep registration order
    List<WorkerView> views = new ArrayList<>(live.size());
    for (WorkerRecord w : live) {
      views.add(new WorkerView(w.id(), w.free(), w.attributes(), w.isSchedulable(), w.startSlots(startCapacity)));
    }
    return new SchedulingInput(queue.snapshot(jobs), views);
  }

  boolean hasPending() {
    return !queue.isEmpty();
  }

  /** See {@link ClusterState#commit}. */
  int commit(Plan plan, long now) {
    int committed = 0;
    Map<JobId, List<Assignment>> gangs = null;
    for (Assignment a : plan.assignments()) {
      Job job = jobs.get(a.task().job());
      if (job != null && job.spec().isGang()) {
        if (gangs == null) {
          gangs = new LinkedHashMap<>();
        }
        gangs.computeIfAbsent(job.id(), id -> new ArrayList<>()).add(a);
      }
    }
    for (Assignment a : plan.assignments()) {
      List<Assignment> gang = gangs == null ? null : gangs.remove(a.task().job());
      if (gang != null) {
        committed += commitGang(gang, now);
      } else if (gangs == null || !isGangMember(a)) {
        committed += commitOne(a, now) ? 1 : 0;
      }
    }
    plan.pendingReasons().forEach((id, reason) -> {
      Job job = jobs.get(id);
      if (job != null && !job.isFinished()) {
        job.setPendingReason(reason);
      }
    });
    return committed;
  }

  private boolean isGangMember(Assignment a) {
    Job job = jobs.get(a.task().job());
    return job != null && job.spec().isGang();
  }

  private int commitGang(List<Assignment> members, long now) {
    Set<String> distinctWorkers = new HashSet<>();
    Set<TaskId> distinctTasks = new HashSet<>();
    for (Assignment a : members) {
      if (!distinctWorkers.add(a.workerId()) || !distinctTasks.add(a.task()) || !committable(a)) {
        return 0;
      }
    }
    // whole means every pending task (a plan for an earlier job of the same id may cover fewer)
    if (distinctTasks.size() != jobs.get(members.get(0).task().job()).count(TaskState.PENDING)) {
      return 0;
    }
    int committed = 0;
    for (Assignment a : members) {
      committed += commitOne(a, now) ? 1 : 0;
    }
    return committed;
  }

  /**
   * The plan's assumptions still hold: task PENDING, worker alive and not suspect, a start slot free, room
   * and constraints.
   */
  private boolean committable(Assignment a) {
    Job job = jobs.get(a.task().job());
    WorkerRecord w = workers.get(a.workerId());
    if (job == null || job.isFinished() || w == null || !w.isSchedulable() || a.task().index() >= job.numTasks()) {
      return false;
    }
    return job.task(a.task().index()).state() == TaskState.PENDING && w.startSlots(startCapacity) > 0
        && w.free().fits(job.spec().resources())
        && job.spec().constraints().stream().allMatch(c -> c.matches(w.attributes()));
  }

  private boolean commitOne(Assignment a, long now) {
    if (!committable(a)) {
      return false;
    }
    Job job = jobs.get(a.task().job());
    WorkerRecord w = workers.get(a.workerId());
    Task task = job.task(a.task().index());
    Job.Result r = job.assign(task.index(), w.id(), now);
    if (r.wasIgnored()) {
      return false;
    }
    int attempt = task.currentAttemptId();
    w.reserve(task.id(), attempt, job.spec().resources());
    if (job.count(TaskState.PENDING) == 0) {
      job.setPendingReason("");
    }
    effects.apply(job, r.effects(), now);
    outbox.send(new RunTask(w.id(), w.address(), task.id(), attempt, job.spec(), job.numTasks()));
    return true;
  }

  /** See {@link ClusterState#expireSchedulingTimeouts}. */
  void expireSchedulingTimeouts(long now) {
    for (Job job : List.copyOf(jobs.values())) {
      long timeout = job.spec().schedulingTimeoutMs();
      if (timeout <= 0 || job.isFinished() || job.count(TaskState.PENDING) == 0) {
        continue;
      }
      for (Task t : job.tasks()) {
        if (t.state() == TaskState.PENDING && now - t.queuedAtMs() >= timeout) {
          effects.apply(job, job.expire(t.index(), now).effects(), now);
          if (job.isFinished()) {
            break;
          }
        }
      }
    }
  }
}
