package dev.iris.worker;

import dev.iris.core.TaskId;
import dev.iris.rpc.BuildMetrics;
import dev.iris.rpc.ResourceUsage;
import dev.iris.rpc.TaskState;
import dev.iris.rpc.Worker;
import dev.iris.worker.runtime.RunningTask;
import dev.iris.worker.usage.UsageTracker;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One attempt of one task on this worker, as the worker verticle sees it. Mutable, and touched only on
 * the verticle's context, except {@link #lastStderr}, which output threads write.
 */
final class Attempt {
  final AttemptKey key;
  final TaskId task;
  final Worker.RunTaskRequest request;
  final List<String> argv;
  final UsageTracker usageTracker;
  private final Promise<Void> ended = Promise.promise();
  /** When the RunTask arrived ({@link System#nanoTime()}), for the launch latency metric. */
  final long receivedAtNanos = System.nanoTime();
  /** Where this worker process accepted the RunTask ({@link Admissions#accept}). */
  final long acceptedSeq;

  TaskState state = TaskState.TASK_STATE_ASSIGNED;
  int exitCode;
  String error = "";
  long startedAtMs;
  long finishedAtMs;
  Map<String, Integer> ports = Map.of();
  ResourceUsage usage = ResourceUsage.getDefaultInstance();
  BuildMetrics build = BuildMetrics.getDefaultInstance();
  Path workDir;
  Map<String, String> environment = Map.of();

  /** The process running now: the setup command while building, then the task's command. */
  RunningTask process;
  /** The main command (not the setup command) once it started. */
  RunningTask mainProcess;
  /** The setup command once it started: what it leaves running is swept when the attempt ends. */
  RunningTask setupProcess;
  /** Set when a kill was asked for (KillTask, a newer attempt, worker stop). */
  boolean killRequested;
  Duration killGrace = Duration.ofSeconds(5);
  /** Why it was killed; becomes the error of the KILLED state. */
  String killReason = "";
  /** The future of the kill sent to {@link #process}, if any. */
  CompletableFuture<Integer> killing;
  /** The process {@link #killing} was sent to: its whole tree is gone once that completes. */
  RunningTask killedProcess;
  boolean timedOut;
  long timeoutTimer = -1;

  /** The last line the task wrote to stderr (written by output threads). */
  volatile String lastStderr;

  Attempt(AttemptKey key, TaskId task, Worker.RunTaskRequest request, List<String> argv, UsageTracker usageTracker,
      long acceptedSeq) {
    this.key = key;
    this.acceptedSeq = acceptedSeq;
    this.task = task;
    this.request = request;
    this.argv = List.copyOf(argv);
    this.usageTracker = usageTracker;
  }

  int attemptId() {
    return key.attemptId();
  }

  /** The owner the attempt's ports are allocated under. */
  String portOwner() {
    return key.toString();
  }

  boolean isFinished() {
    return isTerminal(state);
  }

  /** Completes once the attempt reached a terminal state and its process tree is gone. */
  Future<Void> ended() {
    return ended.future();
  }

  void markEnded() {
    ended.tryComplete();
  }

  static boolean isTerminal(TaskState s) {
    return switch (s) {
      case TASK_STATE_SUCCEEDED, TASK_STATE_FAILED, TASK_STATE_KILLED, TASK_STATE_WORKER_FAILED,
          TASK_STATE_UNSCHEDULABLE -> true;
      default -> false;
    };
  }
}
