package dev.iris.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.client.IrisClient;
import dev.iris.client.IrisException;
import dev.iris.client.JobRequest;
import dev.iris.common.GrpcClients;
import dev.iris.common.HostPort;
import dev.iris.common.ProtoStates;
import dev.iris.link.GrpcControllerLink;
import dev.iris.rpc.Controller;
import dev.iris.rpc.JobState;
import dev.iris.rpc.JobStatus;
import dev.iris.rpc.TaskAttempt;
import dev.iris.rpc.TaskState;
import dev.iris.rpc.TaskStatus;
import dev.iris.rpc.WorkerHealthStatus;
import dev.iris.worker.Poll;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durable controller under fire: a controller JVM and two worker JVMs run a workload of more than 2,000
 * tasks (short and long tasks, failures retried, gangs, jobs killed, endpoints) while the controller is
 * SIGKILLed at random moments 20 times and started again on its state directory each time. Every job ends as
 * it would have without the kills, every acknowledged submission and endpoint is there, no task was started
 * twice (each task appends "index pid attempt" to its job's file: one line per attempt that started), no
 * attempt was failed for a lost worker (both workers stayed up), and no task process outlives the end.
 */
@Tag("slow")
class ControllerKillChaosE2eTest {
  private static final Duration WAIT = Duration.ofMinutes(5);
  private static final int KILLS = 20;
  private Path dir;
  private Path marks;
  private Processes processes;
  private int port;
  private String address;
  private volatile Processes.Server controller;
  private final List<Processes.Server> workers = new ArrayList<>();

  @BeforeEach
  void startCluster(@TempDir Path tempDir) throws Exception {
    dir = tempDir;
    marks = Files.createDirectories(dir.resolve("marks"));
    port = Processes.freePort();
    address = "127.0.0.1:" + port;
    processes = new Processes(dir, Map.of("IRIS_CONTROLLER_ADDRESS", address));
    startController();
    for (String id : List.of("w1", "w2")) {
      workers.add(processes.start("worker", "--controller", address, "--host", "127.0.0.1", "--port", "0",
          "--work-dir", dir.resolve(id).toString(), "--worker-id", id, "--cpu", "4", "--attribute", "rack=r1",
          "--task-ports", id.equals("w1") ? "30000-34999" : "35000-39999"));
    }
    try (IrisClient iris = client()) {
      Poll.until(Duration.ofSeconds(60), "both workers to register", () -> iris.listWorkers().stream()
          .filter(WorkerHealthStatus::getHealthy).count() == 2);
    }
  }

  @AfterEach
  void stopEverything() {
    for (Processes.Server w : workers) {
      w.process().descendants().forEach(processes::track);
    }
    if (processes != null) {
      processes.close();
    }
  }

  private void startController() {
    Processes.Server c = processes.start("controller", "--host", "127.0.0.1", "--port", Integer.toString(port),
        "--state-dir", dir.resolve("state").toString());
    Processes.awaitLine(c, "iris controller listening on " + address, Duration.ofSeconds(60));
    controller = c;
  }

  private IrisClient client() {
    return IrisClient.remote(address, processes.token());
  }

  /** What each job of the workload is and how it must end. */
  private record Planned(JobRequest request, JobState expected, int linesPerTask) {}

  private Map<String, Planned> workload() {
    Map<String, Planned> jobs = new LinkedHashMap<>();
    String mark = "echo \"$IRIS_TASK_INDEX $$ $IRIS_ATTEMPT_ID\" >> " + marks + "/$IRIS_JOB_ID; ";
    for (int i = 0; i < 40; i++) {
      jobs.put("short-" + i, new Planned(JobRequest.command("/bin/sh", "-c", mark + "echo ok")
          .replicas(50).cpu(0), JobState.JOB_STATE_SUCCEEDED, 1));
      if (i % 8 == 3) {
        int n = i / 8;
        jobs.put("long-" + n, new Planned(JobRequest.command("/bin/sh", "-c", mark + "sleep " + (2 + 2 * n))
            .replicas(10).cpu(0), JobState.JOB_STATE_SUCCEEDED, 1));
        jobs.put("retry-" + n, new Planned(JobRequest.command("/bin/sh", "-c",
            mark + "f=" + marks + "/$IRIS_JOB_ID.$IRIS_TASK_INDEX; [ -e $f ] || { touch $f; exit 3; }").replicas(20).cpu(0).maxRetriesFailure(1),
            JobState.JOB_STATE_SUCCEEDED, 2));
        jobs.put("gang-" + n, new Planned(JobRequest.command("/bin/sh", "-c", mark + "sleep 2")
            .replicas(2).cpu(1).coscheduleBy("rack"), JobState.JOB_STATE_SUCCEEDED, 1));
      }
    }
    for (int i = 0; i < 2; i++) {
      jobs.put("killed-" + i, new Planned(JobRequest.command("/bin/sh", "-c", mark + "exec sleep 600")
          .replicas(4).cpu(0), JobState.JOB_STATE_KILLED, 1));
    }
    jobs.put("serving", new Planned(JobRequest.command("/bin/sh", "-c", mark + "exec sleep 600")
        .replicas(2).cpu(0), JobState.JOB_STATE_KILLED, 1));
    jobs.forEach((name, p) -> p.request().name(name));
    return jobs;
  }

  /** Calls {@code call} until it answers, with a new client each time: the controller may be down or restarting. */
  private <T> T retrying(String what, java.util.function.Function<IrisClient, T> call) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      try (IrisClient iris = client()) {
        return call.apply(iris);
      } catch (IrisException e) {
        if (!"UNAVAILABLE".equals(e.status()) && !"DEADLINE_EXCEEDED".equals(e.status())
            && !"CANCELLED".equals(e.status()) && !"UNKNOWN".equals(e.status()) && !"INTERNAL".equals(e.status())) {
          throw e;
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError(what + " still failing after " + WAIT + ": " + e.getMessage(), e);
        }
        sleep(200);
      }
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  @Test
  void everyJobEndsAsItWouldHaveThoughTheControllerIsKilledTwentyTimes() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    Map<String, Planned> jobs = workload();
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    Map<String, String> endpoints = new ConcurrentHashMap<>(); // name -> address, acknowledged
    List<Throwable> driverFailures = new ArrayList<>();

    Thread driver = new Thread(() -> {
      try {
        drive(jobs, acknowledged, endpoints);
      } catch (Throwable t) {
        synchronized (driverFailures) {
          driverFailures.add(t);
        }
      }
    }, "chaos-driver");
    driver.start();

    List<String> kills = new ArrayList<>();
    for (int k = 0; k < KILLS; k++) {
      long upMs = 1_000 + random.nextInt(3_000);
      long downMs = 200 + random.nextInt(1_800);
      sleep(upMs);
      Processes.Server victim = controller;
      victim.process().destroyForcibly(); // SIGKILL, by its own handle
      victim.process().onExit().get(30, TimeUnit.SECONDS);
      kills.add(upMs + "+" + downMs);
      sleep(downMs);
      startController();
    }
    driver.join(WAIT.toMillis());
    assertThat(driver.isAlive()).as("the driver finished (seed %d, kills %s)", seed, kills).isFalse();
    assertThat(driverFailures).as("seed %d", seed).isEmpty();

    try (IrisClient iris = client()) {
      Poll.until(WAIT, "every job to end", () -> jobs.keySet().stream()
          .allMatch(j -> ProtoStates.isFinished(iris.status(j, false).getState())));
      Map<String, String> problems = new LinkedHashMap<>();
      int tasks = 0;
      for (Map.Entry<String, Planned> e : jobs.entrySet()) {
        String job = e.getKey();
        JobStatus status = iris.status(job, false);
        if (status.getState() != e.getValue().expected()) {
          problems.put(job, "ended " + status.getState() + ": " + status.getError());
        }
        Map<Integer, List<String>> lines = linesByTask(job);
        for (TaskStatus task : iris.listTasks(job)) {
          tasks++;
          String name = job + "/task-" + task.getTaskIndex();
          for (TaskAttempt a : task.getAttemptsList()) {
            if (a.getState() == TaskState.TASK_STATE_WORKER_FAILED || a.getIsWorkerFailure()) {
              problems.put(name, "attempt " + a.getAttemptId() + " failed as if its worker were lost: " + a.getError());
            }
          }
          if (task.getPreemptionCount() != 0) {
            problems.put(name, "preempted " + task.getPreemptionCount() + " times");
          }
          List<String> mine = lines.getOrDefault(task.getTaskIndex(), List.of());
          Set<Integer> ran = new TreeSet<>();
          Set<String> pids = new TreeSet<>();
          for (String l : mine) {
            String[] f = l.split(" ");
            ran.add(Integer.parseInt(f[2]));
            pids.add(f[1]);
          }
          if (mine.size() != e.getValue().linesPerTask() || ran.size() != mine.size() || pids.size() != mine.size()) {
            problems.put(name, "started " + mine + ", expected " + e.getValue().linesPerTask() + " attempt(s); attempts "
                + task.getAttemptsList().stream().map(a -> a.getAttemptId() + "=" + a.getState() + " " + a.getError())
                .toList());
          }
        }
      }
      assertThat(problems).as("seed %d, kills %s", seed, kills).isEmpty();
      assertThat(tasks).isGreaterThanOrEqualTo(2_000);
      System.out.printf("chaos: %d tasks, %d kills (seed %d)%n", tasks, KILLS, seed);
      assertThat(iris.listWorkers()).hasSize(2).allMatch(WorkerHealthStatus::getHealthy);
    }

    // nothing runs after its task ended: only the workers' watchdogs are left under them
    Poll.until(Duration.ofSeconds(30), "no task process left", () -> workers.stream()
        .flatMap(w -> w.process().descendants()).allMatch(Processes::isWatchdog));
  }

  private Map<Integer, List<String>> linesByTask(String job) {
    Map<Integer, List<String>> byTask = new HashMap<>();
    for (String l : Processes.readLines(marks.resolve(job))) {
      byTask.computeIfAbsent(Integer.parseInt(l.split(" ")[0]), i -> new ArrayList<>()).add(l);
    }
    return byTask;
  }

  /**
   * Submits every job once (a submission whose answer was lost is looked up before it is sent again: a
   * finished job of the same name would be replaced), registers endpoints for the serving job, kills the
   * jobs to be killed once they run, and finally checks the endpoints and kills the serving job.
   */
  private void drive(Map<String, Planned> jobs, Set<String> acknowledged, Map<String, String> endpoints)
      throws Exception {
    for (Map.Entry<String, Planned> e : jobs.entrySet()) {
      String job = e.getKey();
      while (!acknowledged.contains(job)) {
        try (IrisClient iris = client()) {
          iris.submit(e.getValue().request());
          acknowledged.add(job);
        } catch (IrisException failed) {
          if ("ALREADY_EXISTS".equals(failed.status())) {
            acknowledged.add(job); // an earlier try landed though its answer was lost
            continue;
          }
          if (!"UNAVAILABLE".equals(failed.status()) && !"DEADLINE_EXCEEDED".equals(failed.status())
              && !"CANCELLED".equals(failed.status()) && !"UNKNOWN".equals(failed.status())) {
            throw failed;
          }
          sleep(200);
          boolean landed = retrying("status of " + job, iris -> exists(iris, job));
          if (landed) {
            acknowledged.add(job);
          }
        }
      }
    }
    Vertx vertx = Vertx.vertx();
    try {
      GrpcControllerLink link = new GrpcControllerLink(GrpcClients.create(vertx),
          HostPort.parse(address).toSocketAddress(), 10_000, processes.token());
      retrying("the serving job to run", iris -> {
        Poll.until(WAIT, "the serving job's tasks to run", () -> iris.listTasks("serving").stream()
            .allMatch(t -> t.getState() == TaskState.TASK_STATE_RUNNING));
        return null;
      });
      for (int i = 0; i < 10; i++) {
        String name = "serving/ep-" + i;
        int index = i % 2;
        while (!endpoints.containsKey(name)) {
          TaskStatus task = retrying("serving's task", iris -> iris.taskStatus("serving", index));
          Controller.RegisterEndpointRequest request = Controller.RegisterEndpointRequest.newBuilder()
              .setName(name).setAddress("127.0.0.1:" + (20_000 + i)).setJobId("serving")
              .setTaskId(task.getTaskId()).setAttemptId(task.getCurrentAttemptId()).build();
          try {
            link.registerEndpoint(request).toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
            endpoints.put(name, request.getAddress());
          } catch (Exception down) {
            sleep(300); // registering again is harmless: a name maps to its latest address
          }
        }
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    for (String job : List.of("killed-0", "killed-1")) {
      retrying("kill " + job, iris -> {
        Poll.until(WAIT, job + " to run", () -> iris.status(job, false).getState() == JobState.JOB_STATE_RUNNING);
        iris.terminate(job);
        return null;
      });
    }
    Map<String, String> listed = retrying("the endpoints", iris -> {
      Map<String, String> m = new HashMap<>();
      iris.listEndpoints("serving/").forEach(ep -> m.put(ep.getName(), ep.getAddress()));
      return m;
    });
    assertThat(listed).as("every acknowledged endpoint").containsAllEntriesOf(endpoints);
    retrying("kill serving", iris -> {
      iris.terminate("serving");
      return null;
    });
  }

  private static boolean exists(IrisClient iris, String job) {
    try {
      iris.status(job, false);
      return true;
    } catch (IrisException e) {
      if ("NOT_FOUND".equals(e.status())) {
        return false;
      }
      throw e;
    }
  }
}
