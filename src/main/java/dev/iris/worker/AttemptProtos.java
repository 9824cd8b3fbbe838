package dev.iris.worker;

import dev.iris.rpc.Controller;
import dev.iris.rpc.TaskAttempt;
import dev.iris.rpc.TaskStatus;
import dev.iris.rpc.WorkerTaskEntry;
import java.util.List;

/** Maps attempts to the protobuf messages the worker sends and answers with. */
final class AttemptProtos {
  private AttemptProtos() {}

  /** The task's status as of its current attempt, with every retained attempt listed. */
  static TaskStatus status(Attempt a, List<Attempt> history, String workerId, String workerAddress) {
    TaskStatus.Builder b = TaskStatus.newBuilder()
        .setTaskId(a.task.toString())
        .setJobId(a.task.job().value())
        .setTaskIndex(a.task.index())
        .setState(a.state)
        .setWorkerId(workerId)
        .setWorkerAddress(workerAddress)
        .setExitCode(a.exitCode)
        .setError(a.error)
        .setStartedAtMs(a.startedAtMs)
        .setFinishedAtMs(a.finishedAtMs)
        .putAllPorts(a.ports)
        .setResourceUsage(a.usage)
        .setBuildMetrics(a.build)
        .setCurrentAttemptId(a.attemptId());
    for (Attempt h : history) {
      b.addAttempts(TaskAttempt.newBuilder().setAttemptId(h.attemptId()).setWorkerId(workerId).setState(h.state)
          .setExitCode(h.exitCode).setError(h.error).setStartedAtMs(h.startedAtMs)
          .setFinishedAtMs(h.finishedAtMs));
    }
    return b.build();
  }

  /** The attempt as carried by heartbeats and registrations. */
  static WorkerTaskEntry entry(Attempt a) {
    return WorkerTaskEntry.newBuilder()
        .setTaskId(a.task.toString())
        .setAttemptId(a.attemptId())
        .setState(a.state)
        .setExitCode(a.exitCode)
        .setError(a.error)
        .setStartedAtMs(a.startedAtMs)
        .setFinishedAtMs(a.finishedAtMs)
        .putAllPorts(a.ports)
        .setResourceUsage(a.usage)
        .setAcceptedSeq(a.acceptedSeq)
        .build();
  }

  /** A report of the attempt's current state. */
  static Controller.ReportTaskStateRequest report(Attempt a, String workerId) {
    return Controller.ReportTaskStateRequest.newBuilder()
        .setWorkerId(workerId)
        .setTaskId(a.task.toString())
        .setJobId(a.task.job().value())
        .setTaskIndex(a.task.index())
        .setState(a.state)
        .setExitCode(a.exitCode)
        .setError(a.error)
        .setStartedAtMs(a.startedAtMs)
        .setFinishedAtMs(a.finishedAtMs)
        .setAttemptId(a.attemptId())
        .putAllPorts(a.ports)
        .setResourceUsage(a.usage)
        .setBuildMetrics(a.build)
        .setAcceptedSeq(a.acceptedSeq)
        .build();
  }
}
