package dev.iris.controller.api;

import dev.iris.common.ProtoStates;
import dev.iris.controller.state.AcceptMark;
import dev.iris.controller.state.ClusterState.AttemptReport;
import dev.iris.core.JobId;
import dev.iris.core.LogRegex;
import dev.iris.core.Quoted;
import dev.iris.core.Sha256;
import dev.iris.core.TaskAttempt;
import dev.iris.core.TaskId;
import dev.iris.core.TaskSpecRules;
import dev.iris.core.TextRules;
import dev.iris.core.ValidationException;
import dev.iris.rpc.Controller;
import dev.iris.rpc.JobState;
import dev.iris.rpc.WorkerTaskEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks ControllerService request fields and turns them into domain values, or throws a
 * {@link ValidationException} saying why not.
 */
final class RequestChecks {
  /** The most reports one ReportTaskStates call may carry. */
  static final int MAX_REPORTS_PER_BATCH = 10_000;
  /**
   * The most attempts a heartbeat or registration may list: far above what a worker holds (its start capacity,
   * its running tasks, and what ended in the last 30 s), far below what could choke the controller.
   */
  static final int MAX_TASK_ENTRIES = 200_000;
  /** The longest error of an attempt kept; a longer one is cut, not refused (the outcome must not be lost). */
  static final int MAX_ERROR_CHARS = 4_096;

  private RequestChecks() {}

  /** What a ListJobs request asks for: {@code state} null means any state. */
  record JobsQuery(dev.iris.core.JobState state, String prefix, int offset, int pageSize) {}

  static JobsQuery jobsQuery(Controller.ListJobsRequest request) {
    dev.iris.core.JobState state = request.getState() == JobState.JOB_STATE_UNSPECIFIED ? null
        : ProtoStates.toDomain(request.getState()).orElseThrow(() -> new ValidationException(
            request.getState() == JobState.UNRECOGNIZED
                ? "state " + request.getStateValue() + " is not a job state this server knows"
                : "state " + request.getState() + " is not a job state to filter by"));
    if (request.getPageSize() < 0) {
      throw new ValidationException("page_size must not be negative");
    }
    int pageSize = request.getPageSize() == 0 ? ControllerServiceImpl.DEFAULT_PAGE_SIZE
        : Math.min(request.getPageSize(), ControllerServiceImpl.MAX_PAGE_SIZE);
    int offset = pageOffset(request.getPageToken());
    String prefix = TextRules.text("name_prefix", request.getNamePrefix(), JobId.MAX_LENGTH);
    return new JobsQuery(state, prefix, offset, pageSize);
  }

  static JobId jobId(String value) {
    if (value.isEmpty()) {
      throw new ValidationException("job_id must not be empty");
    }
    return JobId.of(value);
  }

  /** The hash a GetBundle request names: a SHA-256 as {@link Sha256#hex} writes it. */
  static String bundleHash(String hash) {
    if (!Sha256.isHex(hash)) {
      throw new ValidationException("bundle_hash " + Quoted.of(hash) + " is not 64 lowercase hex digits (sha-256)");
    }
    return hash;
  }

  private static int pageOffset(String token) {
    if (token.isEmpty()) {
      return 0;
    }
    try {
      int offset = Integer.parseInt(token);
      if (offset >= 0) {
        return offset;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new ValidationException("page_token " + Quoted.of(token) + " is not one this server issued");
  }

  /** Where a worker's list of attempts was taken (see {@link AcceptMark}). */
  static AcceptMark mark(String incarnation, long acceptedSeq) {
    if (acceptedSeq < 0) {
      throw new ValidationException("accepted_seq must not be negative, got " + acceptedSeq);
    }
    return new AcceptMark(RegistrationChecks.incarnation(incarnation), acceptedSeq);
  }

  static List<AttemptReport> reports(List<WorkerTaskEntry> entries) {
    if (entries.size() > MAX_TASK_ENTRIES) {
      throw new ValidationException("a worker lists at most " + MAX_TASK_ENTRIES + " attempts, this list has "
          + entries.size());
    }
    List<AttemptReport> out = new ArrayList<>(entries.size());
    for (WorkerTaskEntry e : entries) {
      out.add(report(e, null));
    }
    return out;
  }

  /** The attempt a ReportTaskState request reports on (its worker id is checked separately). */
  static AttemptReport report(Controller.ReportTaskStateRequest r) {
    return report(WorkerTaskEntry.newBuilder().setTaskId(r.getTaskId()).setAttemptId(r.getAttemptId())
        .setStateValue(r.getStateValue()).setExitCode(r.getExitCode()).setError(r.getError())
        .setStartedAtMs(r.getStartedAtMs()).setFinishedAtMs(r.getFinishedAtMs()).putAllPorts(r.getPortsMap())
        .setResourceUsage(r.getResourceUsage()).setAcceptedSeq(r.getAcceptedSeq()).build(), r.getBuildMetrics());
  }

  /** The worker a ReportTaskStates batch comes from; the batch is refused whole if it or its size is wrong. */
  static String reportBatch(Controller.ReportTaskStatesRequest r) {
    String id = RegistrationChecks.workerId(r.getWorkerId());
    if (r.getReportsCount() > MAX_REPORTS_PER_BATCH) {
      throw new ValidationException("a ReportTaskStates batch holds at most " + MAX_REPORTS_PER_BATCH
          + " reports, this one has " + r.getReportsCount());
    }
    return id;
  }

  /** One report of a batch from {@code workerId}: its own worker_id, when set, must be the batch's. */
  static AttemptReport batchedReport(String workerId, Controller.ReportTaskStateRequest r) {
    if (!r.getWorkerId().isEmpty() && !r.getWorkerId().equals(workerId)) {
      throw new ValidationException("report of " + Quoted.of(r.getTaskId()) + " names worker "
          + Quoted.of(r.getWorkerId()) + " in a batch from worker '" + workerId + "'");
    }
    return report(r);
  }

  private static AttemptReport report(WorkerTaskEntry e, dev.iris.rpc.BuildMetrics build) {
    TaskId task = TaskId.parse(e.getTaskId());
    dev.iris.core.TaskState state = ProtoStates.toDomain(e.getState()).orElseThrow(() -> new ValidationException(
        e.getState() == dev.iris.rpc.TaskState.UNRECOGNIZED
            ? "report for " + task + " has state " + e.getStateValue() + ", not a task state this server knows"
            : "report for " + task + " has no state"));
    if (e.getAttemptId() < 0) {
      throw new ValidationException("attempt_id must not be negative");
    }
    var u = e.getResourceUsage();
    TaskAttempt.Observation obs = new TaskAttempt.Observation(e.getPortsMap(),
        e.hasResourceUsage() ? new TaskAttempt.Usage(u.getMemoryMb(), u.getMemoryPeakMb(), u.getCpuPercent(),
            u.getCpuMillicores(), u.getProcessCount(), u.getDiskMb()) : TaskAttempt.Usage.NONE,
        build == null ? 0 : build.getBuildStartedMs(), build == null ? 0 : build.getBuildFinishedMs(),
        build != null && build.getFromCache());
    if (e.getAcceptedSeq() < 0) {
      throw new ValidationException("accepted_seq must not be negative");
    }
    if (e.getPortsCount() > TaskSpecRules.MAX_PORTS) {
      throw new ValidationException("report for " + task + " lists " + e.getPortsCount() + " ports; a task has at most "
          + TaskSpecRules.MAX_PORTS);
    }
    e.getPortsMap().forEach((name, port) -> {
      if (port < 0 || port > 65_535 || name.length() > TaskSpecRules.MAX_PORT_NAME_LENGTH) {
        throw new ValidationException("report for " + task + " has port " + Quoted.of(name) + " = " + port);
      }
    });
    // an outcome is never refused for its wording: a long error is cut, not lost
    return new AttemptReport(task, e.getAttemptId(), state, e.getExitCode(), cut(e.getError()), obs,
        e.getAcceptedSeq());
  }

  /** An attempt's error as stored: at most {@link #MAX_ERROR_CHARS} characters, a longer one cut and marked so. */
  static String cut(String error) {
    return Quoted.cut(error, MAX_ERROR_CHARS);
  }


  /** A log filter, checked here rather than by the worker: the regex by {@link LogRegex}, no negative bound. */
  static void logFilter(dev.iris.rpc.Worker.FetchLogsFilter f) {
    if (!f.getRegex().isEmpty()) {
      LogRegex.compile(f.getRegex());
    }
    if (f.getStartMs() < 0 || f.getEndMs() < 0 || f.getMaxLines() < 0) {
      throw new ValidationException("start_ms, end_ms and max_lines must not be negative");
    }
  }
}
