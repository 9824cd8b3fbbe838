package dev.iris.controller.journal;

import dev.iris.controller.StoreQuery;
import dev.iris.controller.state.ActionLog;
import dev.iris.controller.state.ClusterState;
import dev.iris.controller.state.WorkerRecord;
import dev.iris.core.Endpoint;
import dev.iris.core.Job;
import dev.iris.core.JobSpec;
import dev.iris.core.Sha256;
import dev.iris.core.Task;
import dev.iris.core.TaskAttempt;
import dev.iris.scheduler.PendingRun;
import dev.iris.scheduler.WorkerView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything observable of a {@link ClusterState}, as text in a canonical order (maps sorted by key, so that two
 * equal states read the same whatever order their immutable maps iterate in): the state has no equality of its
 * own. Two views: {@link #domain} reads the live domain objects field by field (jobs, specs, tasks, every
 * attempt, workers and their holdings, endpoints, the pending queue, every retained event, the action log,
 * counters), and {@link #answers} asks the {@link StoreQuery}s the API and the dashboard ask, mapped as they
 * map them (job and task statuses, workers, endpoints, event replays, metrics).
 *
 * <p>Reading the scheduling input compacts the pending queue (tasks that left PENDING are dropped from it); that
 * is invisible, and a property that reads one state more often than another shows it.
 */
final class StateDump {
  private StateDump() {}

  static List<String> domain(ClusterState s) {
    List<String> out = new ArrayList<>();
    out.add("events last=" + s.events().lastSequence() + " firstRetained=" + s.events().firstRetained());
    s.events().after(0, Integer.MAX_VALUE).forEach(e -> out.add("  " + e));
    out.add("ignored reports " + s.ignoredReports());
    for (ActionLog.Action a : s.actions().newest(ActionLog.CAPACITY)) {
      out.add("action " + a);
    }
    for (Job j : s.jobs()) {
      out.add("job " + j.id() + " " + j.state() + " error=" + j.error() + " pending=" + j.pendingReason()
          + " submitted=" + j.submittedAtMs() + " started=" + j.startedAtMs() + " finished=" + j.finishedAtMs()
          + " failures=" + j.failureCount() + " preemptions=" + j.preemptionCount() + " firstAttempt="
          + j.firstAttemptId() + " nextFirstAttempt=" + j.nextFirstAttemptId() + " sequenceBefore="
          + s.sequenceBeforeSubmission(j.id()) + " children=" + s.childrenOf(j.id()));
      out.add("  spec " + spec(j.spec()));
      if (!j.spec().bundleHash().isEmpty()) {
        out.add("  bundle " + s.bundle(j.spec().bundleHash()).map(Sha256::hex).orElse("missing"));
      }
      for (Task t : j.tasks()) {
        out.add("  " + t.id() + " " + t.state() + " failures=" + t.failureCount() + " preemptions="
            + t.preemptionCount() + " queued=" + t.queuedAtMs() + " finished=" + t.finishedAtMs() + " exit="
            + t.exitCode() + " error=" + t.error());
        for (TaskAttempt a : t.attempts()) {
          out.add("    #" + a.attemptId() + "@" + a.workerId() + " " + a.state() + " assigned=" + a.assignedAtMs()
              + " started=" + a.startedAtMs() + " finished=" + a.finishedAtMs() + " exit=" + a.exitCode()
              + " error=" + a.error() + " workerFailure=" + a.isWorkerFailure() + " ports="
              + sorted(a.observation().ports()) + " usage=" + a.observation().usage()
              + (a.observation().usage() == TaskAttempt.Usage.NONE ? " (NONE)" : "") + " build="
              + a.observation().buildStartedMs() + "-" + a.observation().buildFinishedMs() + " cached="
              + a.observation().buildFromCache());
        }
      }
    }
    for (WorkerRecord w : s.workers()) {
      WorkerRecord.Registration r = w.registration();
      out.add("worker " + w.id() + " " + r.address() + " " + r.capacity() + " " + sorted(r.attributes()) + " "
          + r.hostname() + " " + r.ipAddress() + " startCapacity=" + r.startCapacity() + " incarnation="
          + r.incarnation() + " first=" + w.firstRegisteredAtMs() + " registered=" + w.registeredAtMs()
          + " heartbeat=" + w.lastHeartbeatMs() + " alive=" + w.isAlive() + " suspect=" + w.isSuspect()
          + " failures=" + w.consecutiveFailures() + " committed=" + w.committed() + " starting=" + w.starting());
      w.holdings().values().forEach(h -> out.add("  holds " + h));
    }
    out.add("endpoints " + s.endpoints().size());
    for (Endpoint e : s.endpoints().list("")) {
      out.add("  " + e.id() + " " + e.name() + " " + e.address() + " " + e.job() + " " + e.task() + "#"
          + e.attemptId() + " " + sorted(e.metadata()));
    }
    ClusterState.SchedulingInput in = s.schedulingInput();
    for (PendingRun r : in.queue()) {
      out.add("queued " + r.job() + " " + Arrays.toString(r.taskIndices()));
    }
    for (WorkerView v : in.workers()) {
      out.add("offers " + v.workerId() + " " + v.free() + " " + sorted(v.attributes()) + " schedulable="
          + v.schedulable() + " slots=" + v.startSlots());
    }
    return out;
  }

  /** The answers of the store's queries, as the API and the dashboard get them. */
  static List<Object> answers(ClusterState s) {
    List<Object> out = new ArrayList<>();
    for (Job j : s.jobs()) {
      out.add(new StoreQuery.GetJobStatus(j.id(), true).readFrom(s));
      out.add(new StoreQuery.ListTasks(j.id()).readFrom(s));
      out.add(new StoreQuery.GetJobDetail(j.id(), 0, 100).readFrom(s));
      out.add(new StoreQuery.ReplayEvents(0, j.id(), Integer.MAX_VALUE, false).readFrom(s));
      if (!j.spec().bundleHash().isEmpty()) {
        out.add(s.bundle(j.spec().bundleHash()).isEmpty() ? "no bundle " + j.spec().bundleHash()
            : new StoreQuery.GetBundle(j.spec().bundleHash()).readFrom(s));
      }
    }
    out.add(new StoreQuery.ListJobs(null, "", 0, 1_000).readFrom(s));
    out.add(new StoreQuery.ListJobTree(null, "", 0, 1_000).readFrom(s));
    out.add(new StoreQuery.ListWorkers().readFrom(s));
    out.add(new StoreQuery.ListEndpoints("").readFrom(s));
    out.add(new StoreQuery.ListActions(ActionLog.CAPACITY).readFrom(s));
    out.add(new StoreQuery.ReplayEvents(0, null, Integer.MAX_VALUE, false).readFrom(s));
    dev.iris.controller.ControllerMetrics.Snapshot counts = new StoreQuery.CountStates().readFrom(s);
    out.add(Arrays.toString(counts.tasks()) + Arrays.toString(counts.jobs()) + " alive=" + counts.alive()
        + " lost=" + counts.lost());
    return out;
  }

  private static String spec(JobSpec j) {
    return j.id() + " " + j.argv() + " " + j.resources() + " x" + j.replicas() + " env=" + sorted(j.env())
        + " ports=" + j.ports() + " constraints=" + j.constraints() + " gang=" + j.coscheduleBy() + " policy="
        + j.maxTaskFailures() + "/" + j.maxRetriesFailure() + "/" + j.maxRetriesPreemption() + " timeouts="
        + j.schedulingTimeoutMs() + "/" + j.taskTimeoutSeconds() + " setup=" + j.setupCommand() + " bundle="
        + j.bundleHash() + " user=" + j.user();
  }

  private static <V> Map<String, V> sorted(Map<String, V> map) {
    return new TreeMap<>(map);
  }
}
