package dev.iris.bench;

import dev.iris.client.IrisClient;
import dev.iris.client.IrisException;
import dev.iris.client.JobRequest;
import dev.iris.common.ProtoStates;
import dev.iris.rpc.JobStatus;
import dev.iris.rpc.TaskAttempt;
import dev.iris.rpc.TaskState;
import dev.iris.rpc.TaskStatus;
import dev.iris.rpc.WorkerHealthStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scenario 8, burst: the deployment as users run it, under a burst of small tasks. {@code iris controller}
 * and two {@code iris worker --cpu 2} run as separate JVMs on this machine; eight client threads (one
 * {@link IrisClient} each, over gRPC) submit M jobs of R {@code /bin/true} replicas (cpu 0) at once. The
 * figure is tasks/s from the first submission to the end of the last job (by the controller's clock).
 * Also measured: every task's attempts and which worker ran them (GetJobStatus with tasks), process
 * launches per task (each worker's {@code /metrics}), and per JVM its RSS, peak RSS, CPU time and heap used
 * after a full GC, before and after the burst. {@code -Dbench.bursts=N} runs N bursts on the same JVMs (the
 * figure is the first; the others show whether memory settles).
 */
final class BurstBench {
  private static final int CLIENTS = 8;
  private static final String PREFIX = "burst-";
  private static final List<String> WORKERS = List.of("w1", "w2");
  private static final Map<String, String> TASK_PORTS = Map.of("w1", "41000-42999", "w2", "43000-44999");
  private static final Duration START_WAIT = Duration.ofSeconds(90);
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);
  /** The bar when there is no full-size launch result (scenario 7) to take half of. */
  private static final long DEFAULT_BAR = 450;
  private static final Pattern LAUNCHES =
      Pattern.compile("(?m)^iris_worker_process_launches_total\\{[^}]*outcome=\"started\"[^}]*}\\s+(\\S+)$");
  private static final double MB = 1 << 20;

  private final boolean tiny;
  private final Path out;

  BurstBench(boolean tiny, Path out) {
    this.tiny = tiny;
    this.out = out;
  }

  /** One JVM's readings at one moment; -1 where unreadable. */
  private record Reading(long rssKb, long peakRssKb, long heapUsedBytes, long cpuTicks, long childTicks) {}

  /** Every JVM's readings and every worker's process launches at one moment. */
  private record Snapshot(Map<String, Reading> jvms, Map<String, Long> launches) {}

  /** When a burst began (wall clock and nanos), when every submission was acknowledged, when every job ended. */
  private record Burst(long startMs, long startNs, long submittedNs, long observedEndNs, long lastFinishedMs) {}

  /** What the tasks of a burst went through, from their attempts. */
  private record Tally(long notSucceeded, long attempts, long retried, int maxAttempts, Map<String, Long> byWorker,
      Map<String, Long> earlierAttemptsEnded) {}

  Bench.Result run() throws Exception {
    int jobs = tiny ? 4 : 50;
    int replicas = tiny ? 50 : 400;
    int bursts = Math.max(1, Integer.getInteger("bench.bursts", 1)); // more: does memory settle?
    Duration wait = tiny ? Duration.ofMinutes(2) : Duration.ofMinutes(10);
    Path dir = Files.createTempDirectory("iris-bench-burst-");
    List<ServerJvm> jvms = new ArrayList<>();
    try {
      ServerJvm controller = ServerJvm.start("controller", out.resolve("burst-controller.log"),
          List.of("controller", "--host", "127.0.0.1", "--port", "0", "--state-dir", "none"));
      jvms.add(controller);
      String listening = "iris controller listening on ";
      String address = controller.awaitLine(listening, START_WAIT).substring(listening.length()).split(" ")[0];
      for (String w : WORKERS) {
        jvms.add(ServerJvm.start(w, out.resolve("burst-" + w + ".log"), List.of("worker", "--controller", address,
            "--host", "127.0.0.1", "--port", "0", "--worker-id", PREFIX + w, "--cpu", "2",
            "--task-ports", TASK_PORTS.get(w), "--work-dir", dir.resolve(w).toString())));
      }
      try (IrisClient iris = IrisClient.remote(address, Bench.TOKEN)) {
        Map<String, WorkerHealthStatus> workers = awaitWorkers(iris, jvms);
        JsonArray loadBefore = Bench.machine().getJsonArray("loadavg");
        Snapshot previous = snapshot(jvms, workers, dir);
        List<JsonObject> each = new ArrayList<>();
        boolean clean = true;
        for (int r = 0; r < bursts; r++) {
          String prefix = PREFIX + r + "-";
          Burst burst = burst(address, iris, prefix, jobs, replicas, wait, jvms);
          Snapshot after = snapshot(jvms, workers, dir);
          Tally tally = tally(iris, prefix, jobs);
          long tasks = (long) jobs * replicas;
          clean &= tally.notSucceeded() == 0 && tally.attempts() == tasks && tally.retried() == 0
              && WORKERS.stream().allMatch(w -> tally.byWorker().getOrDefault(PREFIX + w, 0L) > 0);
          each.add(figures(tasks, burst, tally, previous, after));
          previous = after;
        }
        return result(jobs, replicas, each, clean, loadBefore);
      }
    } finally {
      stopAll(jvms);
      Bench.deleteTree(dir);
    }
  }

  /**
   * CPU ticks, RSS and launches first, then the heap used after a full GC (so the CPU of that GC falls
   * into the next interval: a few ms per JVM).
   */
  private static Snapshot snapshot(List<ServerJvm> jvms, Map<String, WorkerHealthStatus> workers, Path dir)
      throws Exception {
    Map<String, long[]> early = new LinkedHashMap<>();
    for (ServerJvm j : jvms) {
      long[] cpu = j.cpuTicks();
      early.put(j.name(), new long[] {cpu[0], cpu[1], j.statusKb("VmRSS"), j.statusKb("VmHWM")});
    }
    Map<String, Long> launches = launches(workers);
    Map<String, Reading> readings = new LinkedHashMap<>();
    for (ServerJvm j : jvms) {
      long[] e = early.get(j.name());
      readings.put(j.name(), new Reading(e[2], e[3], j.heapUsedAfterGc(dir), e[0], e[1]));
    }
    return new Snapshot(readings, launches);
  }

  /** Waits until both workers are registered and healthy; their statuses by short name. */
  private static Map<String, WorkerHealthStatus> awaitWorkers(IrisClient iris, List<ServerJvm> jvms) throws Exception {
    long deadline = System.nanoTime() + START_WAIT.toNanos();
    while (true) {
      jvms.forEach(ServerJvm::checkAlive);
      Map<String, WorkerHealthStatus> healthy = new TreeMap<>();
      try {
        for (WorkerHealthStatus w : iris.listWorkers()) {
          if (w.getHealthy() && w.getWorkerId().startsWith(PREFIX)) {
            healthy.put(w.getWorkerId().substring(PREFIX.length()), w);
          }
        }
      } catch (IrisException notYet) {
        // the controller is still starting its gRPC service
      }
      if (healthy.keySet().containsAll(WORKERS)) {
        return healthy;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("workers healthy after " + START_WAIT + ": only " + healthy.keySet());
      }
      Thread.sleep(100);
    }
  }

  /** Submits the jobs from {@link #CLIENTS} threads at once and waits until every job has ended. */
  private static Burst burst(String address, IrisClient iris, String prefix, int jobs, int replicas, Duration wait,
      List<ServerJvm> jvms) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    CountDownLatch ready = new CountDownLatch(CLIENTS);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<?>> clients = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        int first = c;
        clients.add(pool.submit(() -> {
          try (IrisClient client = IrisClient.remote(address, Bench.TOKEN)) {
            client.listWorkers(); // connected before the start, so the burst does not time connection set-up
            ready.countDown();
            go.await();
            for (int j = first; j < jobs; j += CLIENTS) {
              client.submit(JobRequest.command("/bin/true").name(prefix + j).replicas(replicas).cpu(0));
            }
          }
          return null;
        }));
      }
      if (!ready.await(START_WAIT.toSeconds(), TimeUnit.SECONDS)) {
        throw new IllegalStateException("the " + CLIENTS + " clients did not connect within " + START_WAIT);
      }
      long startMs = System.currentTimeMillis();
      long startNs = System.nanoTime();
      go.countDown();
      for (Future<?> c : clients) {
        c.get(wait.toSeconds(), TimeUnit.SECONDS);
      }
      long submittedNs = System.nanoTime();
      long deadline = startNs + wait.toNanos();
      while (true) {
        List<JobStatus> all = iris.listJobs(null, prefix);
        if (all.size() == jobs && all.stream().allMatch(j -> ProtoStates.isFinished(j.getState()))) {
          long lastFinishedMs = all.stream().mapToLong(JobStatus::getFinishedAtMs).max().orElseThrow();
          return new Burst(startMs, startNs, submittedNs, System.nanoTime(), lastFinishedMs);
        }
        if (System.nanoTime() > deadline) {
          long done = all.stream().mapToLong(JobStatus::getTasksSucceeded).sum();
          throw new IllegalStateException("burst: " + done + " of " + (long) jobs * replicas
              + " tasks succeeded within " + wait);
        }
        jvms.forEach(ServerJvm::checkAlive);
        Thread.sleep(200);
      }
    } finally {
      go.countDown();
      pool.shutdownNow();
    }
  }

  /** Each worker's {@code iris_worker_process_launches_total{outcome="started"}}, from its /metrics. */
  private static Map<String, Long> launches(Map<String, WorkerHealthStatus> workers) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    Map<String, Long> out = new TreeMap<>();
    for (var w : workers.entrySet()) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + w.getValue().getAddress()
          + "/metrics")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      Matcher m = LAUNCHES.matcher(r.body());
      out.put(w.getKey(), m.find() ? Math.round(Double.parseDouble(m.group(1))) : 0);
    }
    return out;
  }

  /** Every task's attempts (GetJobStatus with tasks), job by job. */
  private static Tally tally(IrisClient iris, String prefix, int jobs) {
    long notSucceeded = 0;
    long attempts = 0;
    long retried = 0;
    int maxAttempts = 0;
    Map<String, Long> byWorker = new TreeMap<>();
    Map<String, Long> earlier = new TreeMap<>(); // how the attempts that were not a task's last one ended
    for (int j = 0; j < jobs; j++) {
      for (TaskStatus t : iris.status(prefix + j, true).getTasksList()) {
        int n = t.getAttemptsCount();
        attempts += n;
        maxAttempts = Math.max(maxAttempts, n);
        retried += n > 1 ? 1 : 0;
        notSucceeded += t.getState() == TaskState.TASK_STATE_SUCCEEDED ? 0 : 1;
        for (int i = 0; i < n; i++) {
          TaskAttempt a = t.getAttempts(i);
          byWorker.merge(a.getWorkerId(), 1L, Long::sum);
          if (i < n - 1) {
            String why = ProtoStates.shortName(a.getState()) + (a.getError().isEmpty() ? "" : ": " + a.getError());
            earlier.merge(why.length() > 120 ? why.substring(0, 120) : why, 1L, Long::sum);
          }
        }
      }
    }
    return new Tally(notSucceeded, attempts, retried, maxAttempts, byWorker, earlier);
  }

  /** One burst's figures: its rate, its tasks' attempts, launches, and each JVM from {@code b} to {@code a}. */
  private static JsonObject figures(long tasks, Burst burst, Tally tally, Snapshot b, Snapshot a) {
    double seconds = (burst.lastFinishedMs() - burst.startMs()) / 1e3;
    long launched = 0;
    JsonObject launches = new JsonObject();
    for (String w : a.launches().keySet()) {
      long n = a.launches().get(w) - b.launches().getOrDefault(w, 0L);
      launched += n;
      launches.put(w, n);
    }
    JsonObject jvms = new JsonObject();
    for (String name : a.jvms().keySet()) {
      jvms.put(name, jvmJson(b.jvms().get(name), a.jvms().get(name), tasks));
    }
    return new JsonObject().put("seconds", Bench.round(seconds, 3)).put("tasks_per_s", Math.round(tasks / seconds))
        .put("submit_all_s", Bench.round((burst.submittedNs() - burst.startNs()) / 1e9, 3))
        .put("observed_end_s", Bench.round((burst.observedEndNs() - burst.startNs()) / 1e9, 3))
        .put("tasks_not_succeeded", tally.notSucceeded())
        .put("attempts_per_task", Bench.round((double) tally.attempts() / tasks, 4))
        .put("tasks_with_more_than_one_attempt", tally.retried()).put("max_attempts", tally.maxAttempts())
        .put("earlier_attempts_ended", new JsonObject(new LinkedHashMap<>(tally.earlierAttemptsEnded())))
        .put("attempts_per_worker", new JsonObject(new LinkedHashMap<>(tally.byWorker())))
        .put("launches_started", launches).put("launches_per_task", Bench.round((double) launched / tasks, 4))
        .put("jvms", jvms);
  }

  /** The first burst is the figure; later ones (-Dbench.bursts) are listed after it. */
  private Bench.Result result(int jobs, int replicas, List<JsonObject> each, boolean clean, JsonArray loadBefore) {
    long tasks = (long) jobs * replicas;
    JsonObject first = each.get(0);
    Bar bar = bar();
    JsonObject data = new JsonObject().put("jobs", jobs).put("replicas", replicas).put("tasks", tasks)
        .put("command", "/bin/true").put("task_cpu", 0).put("clients", CLIENTS).put("transport", "gRPC")
        .put("workers", WORKERS.size()).put("worker_cpu", 2).put("bursts", each.size())
        .put("bar_tasks_per_s", bar.tasksPerS()).put("bar_source", bar.source())
        .mergeIn(first).put("loadavg_before", loadBefore)
        .put("note", "seconds: first submission (this JVM's clock) to the last job's finished_at (the controller's); "
            + "heap: jcmd GC.run then GC.heap_info; RSS from /proc/<pid>/status; cpu from /proc/<pid>/stat");
    if (each.size() > 1) {
      data.put("later_bursts", new JsonArray(new ArrayList<>(each.subList(1, each.size()))));
    }
    long rate = first.getLong("tasks_per_s");
    String figure = String.format("%,d tasks/s (%,d /bin/true on 2 worker JVMs in %.2f s); %d not succeeded, "
        + "%.3f attempts/task, %.3f launches/task", rate, tasks, first.getDouble("seconds"),
        first.getLong("tasks_not_succeeded"), first.getDouble("attempts_per_task"), first.getDouble("launches_per_task"));
    return new Bench.Result("burst", figure, String.format(">= %,d tasks/s, 1 attempt/task", bar.tasksPerS()),
        rate >= bar.tasksPerS() && clean, data);
  }

  private static JsonObject jvmJson(Reading b, Reading a, long tasks) {
    return new JsonObject()
        .put("rss_before_mb", mb(b.rssKb() * 1024)).put("rss_after_mb", mb(a.rssKb() * 1024))
        .put("peak_rss_mb", mb(a.peakRssKb() * 1024))
        .put("heap_used_after_gc_before_mb", mb(b.heapUsedBytes())).put("heap_used_after_gc_after_mb", mb(a.heapUsedBytes()))
        .put("cpu_ms_per_task", Bench.round((a.cpuTicks() - b.cpuTicks()) * 10.0 / tasks, 3))
        .put("children_cpu_ms_per_task", Bench.round((a.childTicks() - b.childTicks()) * 10.0 / tasks, 3));
  }

  private static double mb(long bytes) {
    return bytes < 0 ? -1 : Bench.round(bytes / MB, 1);
  }

  /** The rate to reach and where it comes from. */
  private record Bar(long tasksPerS, String source) {}

  /** Half the launch rate of one worker (scenario 7) when a full-size result of it is in the output directory. */
  private Bar bar() {
    Path launch = out.resolve("launch.json");
    try {
      JsonObject json = new JsonObject(Files.readString(launch));
      if ("full".equals(json.getString("size"))) {
        long rate = json.getJsonObject("data").getLong("tasks_per_s");
        return new Bar(rate / 2, "half of " + launch + " (" + rate + " tasks/s at " + json.getString("at") + ")");
      }
    } catch (IOException | RuntimeException e) {
      // none, or unreadable: the default bar
    }
    return new Bar(DEFAULT_BAR, "default (no full-size " + launch + ")");
  }

  /** Workers first, then the controller: SIGTERM, SIGKILL after a grace; then whatever they had started. */
  private static void stopAll(List<ServerJvm> jvms) throws InterruptedException {
    List<ProcessHandle> descendants = new ArrayList<>();
    for (ServerJvm j : jvms) {
      descendants.addAll(j.descendants());
    }
    for (int i = jvms.size() - 1; i >= 0; i--) {
      ServerJvm j = jvms.get(i);
      if (!j.stop(STOP_GRACE)) {
        System.err.printf("bench: burst: %s (pid %d) was still running %s after SIGTERM; sent SIGKILL%n",
            j.name(), j.pid(), STOP_GRACE);
      }
    }
    long deadline = System.nanoTime() + STOP_GRACE.toNanos(); // a worker's watchdog ends with its worker
    for (ProcessHandle p : descendants) {
      try {
        p.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (Exception stillAlive) {
        p.destroyForcibly();
      }
    }
  }
}
