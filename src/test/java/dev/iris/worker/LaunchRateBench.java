package dev.iris.worker;

import dev.iris.link.EventBusControllerLink;
import dev.iris.node.ControllerNode;
import dev.iris.node.WorkerNode;
import dev.iris.rpc.CommandEntrypoint;
import dev.iris.rpc.Controller;
import dev.iris.rpc.ControllerService;
import dev.iris.rpc.JobState;
import dev.iris.rpc.ResourceSpecProto;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Measures how many {@code /bin/true} tasks per second one real in-process worker launches, end to end:
 * from the first submission to the last task SUCCEEDED at the controller. Not a test; run with
 * {@code java -cp <test classpath> dev.iris.worker.LaunchRateBench [tasks] [replicas|jobs]}.
 */
public final class LaunchRateBench {
  private LaunchRateBench() {}

  public static void main(String[] args) throws Exception {
    dev.iris.worker.runtime.ChildProcessDefaults.apply(); // as `iris` does (Main); -D settings override
    int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
    String mode = args.length > 1 ? args[1] : "replicas";
    if (mode.equals("direct")) {
      direct(tasks);
      return;
    }
    Vertx vertx = Vertx.vertx();
    Path work = Files.createTempDirectory("iris-bench");
    ControllerNode controller = await(ControllerNode.start(vertx, ControllerNode.Config.defaults("127.0.0.1", 0),
        Clock.systemUTC()));
    ControllerService api = new EventBusControllerLink(vertx.eventBus(), 30_000);
    WorkerNode worker = await(WorkerNode.start(vertx,
        WorkerConfig.defaults("bench", work).withCapacity(100_000, 1L << 40, 1L << 40), api));
    await(worker.registered());
    try {
      warmUp(api);
      System.out.printf("launching %d /bin/true tasks as %s%n", tasks, mode.equals("jobs") ? tasks + " one-task jobs"
          : "one job of " + tasks + " replicas");
      long start = System.nanoTime();
      List<String> ids = new ArrayList<>();
      if (mode.equals("jobs")) {
        List<Future<Controller.LaunchJobResponse>> launches = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
          launches.add(api.launchJob(job("bench-" + i, 1)));
        }
        for (Future<Controller.LaunchJobResponse> f : launches) {
          ids.add(await(f).getJobId());
        }
      } else {
        ids.add(await(api.launchJob(job("bench", tasks))).getJobId());
      }
      for (String id : ids) {
        waitSucceeded(api, id);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("%d tasks SUCCEEDED in %.2f s: %.0f tasks/s%n", tasks, seconds, tasks / seconds);
      if (!mode.equals("jobs")) {
        List<dev.iris.rpc.TaskStatus> list = await(api.getJobStatus(Controller.GetJobStatusRequest.newBuilder()
            .setJobId(ids.get(0)).setIncludeTasks(true).build())).getJob().getTasksList();
        long firstStart = list.stream().mapToLong(t -> t.getStartedAtMs()).min().orElse(0);
        long lastStart = list.stream().mapToLong(t -> t.getStartedAtMs()).max().orElse(0);
        long lastEnd = list.stream().mapToLong(t -> t.getFinishedAtMs()).max().orElse(0);
        long[] runs = list.stream().mapToLong(t -> t.getFinishedAtMs() - t.getStartedAtMs()).sorted().toArray();
        System.out.printf("process starts spread over %d ms, last end %d ms after the first start; "
            + "start-to-end median %d ms, p99 %d ms%n", lastStart - firstStart, lastEnd - firstStart,
            runs[runs.length / 2], runs[runs.length * 99 / 100]);
      }
    } finally {
      await(worker.stop());
      await(controller.stop());
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /** RunTask straight to the worker (a stub controller acknowledges reports): the worker alone. */
  private static void direct(int tasks) throws Exception {
    Vertx vertx = Vertx.vertx();
    StubController stub = new StubController();
    stub.heartbeatIntervalMs = 1_000;
    WorkerNode worker = await(WorkerNode.start(vertx,
        WorkerConfig.defaults("bench", Files.createTempDirectory("iris-bench")), stub));
    dev.iris.link.EventBusWorkerLink link = new dev.iris.link.EventBusWorkerLink(vertx.eventBus(), "bench", 30_000);
    try {
      for (int round = 0; round < 2; round++) {
        int n = round == 0 ? 50 : tasks;
        stub.reports.clear();
        long start = System.nanoTime();
        List<Future<dev.iris.rpc.Worker.RunTaskResponse>> sent = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          sent.add(link.runTask(dev.iris.rpc.Worker.RunTaskRequest.newBuilder().setJobId("d" + round)
              .setTaskId("d" + round + "/task-" + i).setTaskIndex(i).setNumTasks(n)
              .setEntrypoint(CommandEntrypoint.newBuilder().addArgv("/bin/true")).build()));
        }
        for (Future<dev.iris.rpc.Worker.RunTaskResponse> f : sent) {
          await(f);
        }
        while (stub.reports.stream().filter(r -> r.getState() == dev.iris.rpc.TaskState.TASK_STATE_SUCCEEDED).count() < n) {
          Thread.sleep(5);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (round == 1) {
          System.out.printf("worker alone: %d tasks SUCCEEDED in %.2f s: %.0f tasks/s%n", n, seconds, n / seconds);
        }
      }
    } finally {
      await(worker.stop());
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static void warmUp(ControllerService api) throws Exception {
    waitSucceeded(api, await(api.launchJob(job("warmup", 50))).getJobId());
  }

  private static Controller.LaunchJobRequest job(String name, int replicas) {
    return Controller.LaunchJobRequest.newBuilder().setName(name)
        .setEntrypoint(CommandEntrypoint.newBuilder().addArgv("/bin/true"))
        .setResources(ResourceSpecProto.newBuilder().setReplicas(replicas).setCpu(0).setMemoryBytes(0))
        .build();
  }

  private static void waitSucceeded(ControllerService api, String id) throws Exception {
    while (true) {
      JobState state = await(api.getJobStatus(Controller.GetJobStatusRequest.newBuilder().setJobId(id).build()))
          .getJob().getState();
      if (state == JobState.JOB_STATE_SUCCEEDED) {
        return;
      }
      if (state != JobState.JOB_STATE_PENDING && state != JobState.JOB_STATE_RUNNING) {
        throw new IllegalStateException("job " + id + " ended " + state);
      }
      Thread.sleep(5);
    }
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }
}
