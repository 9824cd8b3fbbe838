package dev.iris.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import dev.iris.cli.output.Table;
import dev.iris.client.IrisException;
import dev.iris.common.ProtoStates;
import dev.iris.rpc.JobStatus;
import dev.iris.rpc.TaskStatus;
import dev.iris.rpc.WorkerHealthStatus;
import java.util.List;

/** How the client commands render what the controller returns: task counts, tables, JSON. */
final class ClientFormat {
  private ClientFormat() {}

  static String health(WorkerHealthStatus w) {
    return w.getLost() ? "lost" : w.getSuspect() ? "suspect" : w.getHealthy() ? "healthy" : "unhealthy";
  }

  static String counts(JobStatus s) {
    StringBuilder b = new StringBuilder().append(s.getTasksSucceeded()).append('/').append(s.getNumTasks()).append(" succeeded");
    append(b, s.getTasksPending(), "pending");
    append(b, s.getTasksAssigned(), "assigned");
    append(b, s.getTasksBuilding(), "building");
    append(b, s.getTasksRunning(), "running");
    append(b, s.getTasksFailed(), "failed");
    append(b, s.getTasksKilled(), "killed");
    append(b, s.getTasksWorkerFailed(), "worker failed");
    append(b, s.getTasksUnschedulable(), "unschedulable");
    return b.toString();
  }

  static void append(StringBuilder b, int n, String what) {
    if (n > 0) {
      b.append(", ").append(n).append(' ').append(what);
    }
  }

  static Table taskTable(List<TaskStatus> tasks) {
    Table t = Table.withColumns("TASK", "STATE", "WORKER", "ATTEMPTS", "EXIT", "ERROR / WAITING");
    for (TaskStatus s : tasks) {
      t.row(s.getTaskId(), ProtoStates.shortName(s.getState()), s.getWorkerId(), s.getAttemptsCount(),
          ProtoStates.isFinished(s.getState()) ? String.valueOf(s.getExitCode()) : "",
          s.getError().isEmpty() ? s.getPendingReason() : s.getError());
    }
    return t;
  }

  static String json(MessageOrBuilder m) {
    try {
      return JsonFormat.printer().print(m);
    } catch (InvalidProtocolBufferException e) {
      throw new IrisException("INTERNAL", e.getMessage());
    }
  }

  static String jsonLine(MessageOrBuilder m) {
    try {
      return JsonFormat.printer().omittingInsignificantWhitespace().print(m);
    } catch (InvalidProtocolBufferException e) {
      throw new IrisException("INTERNAL", e.getMessage());
    }
  }
}
