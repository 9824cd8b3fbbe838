package dev.iris.worker;

import dev.iris.common.ProtoStates;
import dev.iris.rpc.BuildMetrics;
import dev.iris.rpc.Controller;
import dev.iris.rpc.ResourceUsage;
import dev.iris.rpc.TaskAttempt;
import dev.iris.rpc.TaskState;
import dev.iris.rpc.TaskStatus;
import dev.iris.rpc.WorkerTaskEntry;
import dev.iris.worker.attempt.AttemptState;
import dev.iris.worker.usage.UsageSample;
import java.util.List;

/** The worker's one mapping of attempt states to the protobuf messages it sends and answers with. */
final class AttemptProtos {
  private AttemptProtos() {}

  /** The task's status as of its current attempt, with every retained attempt listed. */
  static TaskStatus status(AttemptState a, List<AttemptState> history, String workerId, String workerAddress) {
    TaskStatus.Builder b = TaskStatus.newBuilder()
        .setTaskId(a.spec().task().toString())
        .setJobId(a.spec().task().job().value())
        .setTaskIndex(a.spec().task().index())
        .setState(state(a))
        .setWorkerId(workerId)
        .setWorkerAddress(workerAddress)
        .setExitCode(a.exitCode())
        .setError(a.error())
        .setStartedAtMs(a.startedAtMs())
        .setFinishedAtMs(a.finishedAtMs())
        .putAllPorts(a.ports())
        .setResourceUsage(usage(a))
        .setBuildMetrics(build(a))
        .setCurrentAttemptId(a.key().attemptId());
    for (AttemptState h : history) {
      b.addAttempts(TaskAttempt.newBuilder().setAttemptId(h.key().attemptId()).setWorkerId(workerId)
          .setState(state(h)).setExitCode(h.exitCode()).setError(h.error()).setStartedAtMs(h.startedAtMs())
          .setFinishedAtMs(h.finishedAtMs()));
    }
    return b.build();
  }

  /** The attempt as carried by heartbeats and registrations. */
  static WorkerTaskEntry entry(AttemptState a) {
    return WorkerTaskEntry.newBuilder()
        .setTaskId(a.spec().task().toString())
        .setAttemptId(a.key().attemptId())
        .setState(state(a))
        .setExitCode(a.exitCode())
        .setError(a.error())
        .setStartedAtMs(a.startedAtMs())
        .setFinishedAtMs(a.finishedAtMs())
        .putAllPorts(a.ports())
        .setResourceUsage(usage(a))
        .setAcceptedSeq(a.spec().acceptedSeq())
        .build();
  }

  /** A report of the attempt's current state. */
  static Controller.ReportTaskStateRequest report(AttemptState a, String workerId) {
    return Controller.ReportTaskStateRequest.newBuilder()
        .setWorkerId(workerId)
        .setTaskId(a.spec().task().toString())
        .setJobId(a.spec().task().job().value())
        .setTaskIndex(a.spec().task().index())
        .setState(state(a))
        .setExitCode(a.exitCode())
        .setError(a.error())
        .setStartedAtMs(a.startedAtMs())
        .setFinishedAtMs(a.finishedAtMs())
        .setAttemptId(a.key().attemptId())
        .putAllPorts(a.ports())
        .setResourceUsage(usage(a))
        .setBuildMetrics(build(a))
        .setAcceptedSeq(a.spec().acceptedSeq())
        .build();
  }

  static TaskState state(AttemptState a) {
    return ProtoStates.toProto(a.taskState());
  }

  private static ResourceUsage usage(AttemptState a) {
    UsageSample s = a.usage();
    if (s == null) {
      return ResourceUsage.getDefaultInstance();
    }
    return ResourceUsage.newBuilder().setMemoryMb(s.memoryMb()).setMemoryPeakMb(s.memoryPeakMb())
        .setCpuPercent(s.cpuPercent()).setCpuMillicores(s.cpuMillicores()).setProcessCount(s.processCount())
        .setDiskMb(s.diskMb()).build();
  }

  private static BuildMetrics build(AttemptState a) {
    AttemptState.Build b = a.build();
    if (b.startedMs() == 0 && b.finishedMs() == 0 && !b.fromCache()) {
      return BuildMetrics.getDefaultInstance();
    }
    return BuildMetrics.newBuilder().setBuildStartedMs(b.startedMs()).setBuildFinishedMs(b.finishedMs())
        .setFromCache(b.fromCache()).build();
  }
}
