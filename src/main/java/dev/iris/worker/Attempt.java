package dev.iris.worker;

import dev.iris.core.TaskId;
import dev.iris.rpc.Worker;
import dev.iris.worker.attempt.AttemptEvent;
import dev.iris.worker.attempt.AttemptKey;
import dev.iris.worker.attempt.AttemptSpec;
import dev.iris.worker.attempt.AttemptState;
import dev.iris.worker.attempt.Command;
import dev.iris.worker.runtime.RunningTask;
import dev.iris.worker.usage.UsageTracker;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One attempt of one task on this worker, as the worker's shell holds it: its lifecycle state (immutable,
 * replaced by {@link AttemptRunner} on each event), its request, and the runtime handles the effects
 * need (processes, timer, environment). Touched only on the worker verticle's context, except the last
 * output lines, which output threads write.
 */
final class Attempt {
  final AttemptKey key;
  final TaskId task;
  final Worker.RunTaskRequest request;
  final List<String> argv;
  final UsageTracker usageTracker;
  /** When the RunTask arrived ({@link System#nanoTime()}), for the launch latency metric. */
  final long receivedAtNanos = System.nanoTime();
  private final Promise<Void> ended = Promise.promise();

  /** The lifecycle state: the only record of where the attempt is. */
  AttemptState state;
  /** The processes started, by command. */
  final Map<Command, RunningTask> processes = new EnumMap<>(Command.class);
  /** The environment its processes get, once prepared. */
  Map<String, String> environment = Map.of();
  long timeoutTimer = -1;
  /** Events that arrived while an earlier one's effects were being carried out. */
  final ArrayDeque<AttemptEvent> queued = new ArrayDeque<>();
  boolean applying;

  /** The last line the task's command wrote to stderr (written by output threads). */
  volatile String lastStderr;
  /** The last line the setup command wrote (written by output threads). */
  volatile String lastSetupLine;

  Attempt(AttemptKey key, TaskId task, Worker.RunTaskRequest request, List<String> argv, UsageTracker usageTracker,
      long acceptedSeq) {
    this.key = key;
    this.task = task;
    this.request = request;
    this.argv = List.copyOf(argv);
    this.usageTracker = usageTracker;
    this.state = AttemptState.accepted(new AttemptSpec(key, task, acceptedSeq, !request.getBundleHash().isEmpty(),
        !request.getEnvironment().getSetupCommandList().isEmpty(), request.getPortsCount() > 0,
        Duration.ofSeconds(request.getTimeoutSeconds())));
  }

  int attemptId() {
    return key.attemptId();
  }

  /** The owner the attempt's ports are allocated under. */
  String portOwner() {
    return key.toString();
  }

  boolean isFinished() {
    return state.isFinished();
  }

  /** The process of the task's command while it runs; null otherwise. */
  RunningTask runningCommand() {
    return state.isCommandRunning() ? processes.get(Command.MAIN) : null;
  }

  /** Completes once the attempt finished and its processes and cleanup are done. */
  Future<Void> ended() {
    return ended.future();
  }

  void markEnded() {
    ended.tryComplete();
  }
}
