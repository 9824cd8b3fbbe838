package dev.iris.worker;

import dev.iris.rpc.CommandEntrypoint;
import dev.iris.rpc.Controller;
import dev.iris.rpc.ResourceSpecProto;
import dev.iris.rpc.Worker;
import dev.iris.worker.proc.ProcFs;
import dev.iris.worker.proc.ProcStat;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Helpers shared by the worker's tests. */
public final class WorkerTesting {
  private WorkerTesting() {}

  interface Check {
    boolean ok() throws Exception;
  }

  static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception ex ? ex : e;
    }
  }

  /** Waits until {@code check} holds; exceptions from it count as "not yet". */
  static void eventually(Duration timeout, String what, Check check) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (true) {
      try {
        if (check.ok()) {
          return;
        }
      } catch (Exception e) {
        last = e; // not there yet (e.g. NOT_FOUND before the task arrives)
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what, last);
      }
      Thread.sleep(20);
    }
  }

  /** A job running {@code sh -c script} with {@code replicas} tasks of no cpu. */
  static Controller.LaunchJobRequest.Builder shJob(String name, int replicas, String script) {
    return Controller.LaunchJobRequest.newBuilder().setName(name)
        .setEntrypoint(CommandEntrypoint.newBuilder().addAllArgv(List.of("sh", "-c", script)))
        .setResources(ResourceSpecProto.newBuilder().setReplicas(replicas).setCpu(0).setMemoryBytes(1 << 20));
  }

  /** A RunTask of {@code sh -c script} as the controller would send it. */
  static Worker.RunTaskRequest.Builder shTask(String jobId, int index, int attempt, String script) {
    return Worker.RunTaskRequest.newBuilder().setJobId(jobId).setTaskId(jobId + "/task-" + index)
        .setTaskIndex(index).setNumTasks(index + 1).setAttemptId(attempt)
        .setEntrypoint(CommandEntrypoint.newBuilder().addAllArgv(List.of("sh", "-c", script)));
  }

  /** Whether a process with this pid is alive (not a zombie). */
  public static boolean alive(long pid) {
    return ProcFs.stat(pid).map(ProcStat::isLive).orElse(false);
  }
}
