package dev.iris.bench;

import dev.iris.client.LocalCluster;
import dev.iris.common.HostPort;
import dev.iris.controller.Addresses;
import dev.iris.controller.StoreClient;
import dev.iris.controller.StoreQuery;
import dev.iris.controller.state.StoreConfig;
import dev.iris.controller.state.StoreEvent;
import dev.iris.link.EventBusControllerLink;
import dev.iris.link.GrpcControllerLink;
import dev.iris.node.ControllerNode;
import dev.iris.node.WorkerNode;
import dev.iris.rpc.CommandEntrypoint;
import dev.iris.rpc.Controller;
import dev.iris.rpc.ControllerService;
import dev.iris.rpc.CoschedulingConfig;
import dev.iris.rpc.ResourceSpecProto;
import dev.iris.worker.WorkerConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.client.GrpcClient;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The benchmark suite: {@code ./iris bench [SCENARIO...] [--size tiny|full] [--out DIR]}. Each scenario
 * writes {@code <out>/<scenario>.json}; a short table goes to stdout. Scenarios (names or numbers):
 * 1 throughput, 2 grpc, 3 latency, 4 gang, 5 scale, 6 deadworker, 7 launch, 8 burst ({@link BurstBench}),
 * 9 auth ({@link AuthBench}), 10 durable ({@link DurableBench}); default all.
 */
public final class Bench {
  /** How big: tiny keeps the harness working in CI; full is the real measurement. */
  public enum Size { TINY, FULL }

  public static final List<String> SCENARIOS =
      List.of("throughput", "grpc", "latency", "gang", "scale", "deadworker", "launch", "burst", "auth", "durable");
  private static final long MB = 1L << 20;

  /** One scenario's outcome: its headline figure, the target, and everything measured. */
  public record Result(String scenario, String figure, String target, boolean met, JsonObject data) {}

  private final Size size;
  final Path out;

  public Bench(Size size, Path out) {
    this.size = size;
    this.out = out;
  }

  boolean tiny() {
    return size == Size.TINY;
  }

  public static void main(String[] args) throws Exception {
    dev.iris.worker.runtime.ChildProcessDefaults.apply(); // as `iris` does (Main); -D settings override
    List<String> wanted = new ArrayList<>();
    Size size = Size.FULL;
    Path out = Path.of("target", "bench");
    String usage = "usage: iris bench [SCENARIO...] [--size tiny|full] [--out DIR]\nscenarios: "
        + SCENARIOS + " (or 1-9); default all";
    try {
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--size" -> {
            String v = args[++i];
            if (!v.equals("tiny") && !v.equals("full")) {
              throw new IllegalArgumentException("--size is tiny or full, not '" + v + "'");
            }
            size = Size.valueOf(v.toUpperCase(Locale.ROOT));
          }
          case "--out" -> out = Path.of(args[++i]);
          case "-h", "--help" -> {
            System.out.println(usage);
            return;
          }
          default -> wanted.add(scenarioName(a));
        }
      }
    } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
      System.err.println("iris bench: " + (e instanceof ArrayIndexOutOfBoundsException ? "option needs a value"
          : e.getMessage()) + "\n" + usage);
      System.exit(2);
    }
    if (wanted.isEmpty() || wanted.contains("all")) {
      wanted = SCENARIOS;
    }
    List<Result> results = new Bench(size, out).run(wanted);
    System.out.println();
    System.out.println(table(results));
    System.exit(0);
  }

  static String scenarioName(String a) {
    if (a.equals("all")) {
      return a;
    }
    if (a.matches("[1-9]|10")) {
      return SCENARIOS.get(Integer.parseInt(a) - 1);
    }
    if (!SCENARIOS.contains(a)) {
      throw new IllegalArgumentException("unknown scenario '" + a + "'; one of " + SCENARIOS + " or 1-10");
    }
    return a;
  }

  /** Runs the scenarios in order, writing each result as JSON. */
  public List<Result> run(List<String> scenarios) throws Exception {
    Files.createDirectories(out);
    List<Result> results = new ArrayList<>();
    for (String s : scenarios) {
      System.err.printf("bench: %s (%s) ...%n", s, size.name().toLowerCase(Locale.ROOT));
      long t0 = System.nanoTime();
      Result r = switch (s) {
        case "throughput" -> throughput(false);
        case "grpc" -> throughput(true);
        case "latency" -> latency();
        case "gang" -> gang();
        case "scale" -> scale();
        case "deadworker" -> deadWorker();
        case "launch" -> launchRate();
        case "burst" -> new BurstBench(tiny(), out).run();
        case "auth" -> new AuthBench(tiny()).run();
        case "durable" -> new DurableBench(this).run();
        default -> throw new IllegalArgumentException(s);
      };
      JsonObject json = new JsonObject().put("scenario", s).put("size", size.name().toLowerCase(Locale.ROOT))
          .put("figure", r.figure()).put("target", r.target()).put("met", r.met())
          .put("at", Instant.now().toString()).put("wall_s", round((System.nanoTime() - t0) / 1e9, 2))
          .put("machine", machine()).put("data", r.data());
      Files.writeString(out.resolve(s + ".json"), json.encodePrettily() + "\n");
      System.err.printf("bench: %s: %s (target %s)%n", s, r.figure(), r.target());
      results.add(r);
    }
    return results;
  }

  static String table(List<Result> results) {
    StringBuilder b = new StringBuilder();
    String fmt = "%-11s %-52s %-26s %s%n";
    b.append(String.format(fmt, "SCENARIO", "FIGURE", "TARGET", "MET"));
    for (Result r : results) {
      b.append(String.format(fmt, r.scenario(), r.figure(), r.target(), r.met() ? "yes" : "NO"));
    }
    return b.toString();
  }

  static JsonObject machine() {
    double[] load = new double[3];
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      for (int i = 0; i < 3; i++) {
        load[i] = Double.parseDouble(f[i]);
      }
    } catch (IOException | RuntimeException e) {
      Arrays.fill(load, -1);
    }
    return new JsonObject().put("nproc", Runtime.getRuntime().availableProcessors())
        .put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"))
        .put("max_heap_mb", Runtime.getRuntime().maxMemory() / MB)
        .put("loadavg", new JsonArray().add(load[0]).add(load[1]).add(load[2]));
  }

  // =================================================================== 1, 2: controller throughput

  Result throughput(boolean overGrpc) throws Exception {
    int jobs = tiny() ? 5 : 100;
    int replicas = tiny() ? 10 : 100;
    int workers = tiny() ? 4 : 100;
    int warmJobs = tiny() ? 1 : jobs; // one full wave: the figure is steady state, not JIT warm-up
    String name = overGrpc ? "grpc" : "throughput";
    try (Ctl ctl = Ctl.start(ControllerNode.Config.defaults("127.0.0.1", 0))) {
      Process sims = null;
      SimWorkers fleet = null;
      try {
        if (overGrpc) {
          sims = startSimWorkerJvm(ctl.address(), workers, 32);
        } else {
          fleet = new SimWorkers(new SimWorkers.Spec("sim", workers, 32, 64L << 30, null,
              SimWorkers.Transport.BUS, "127.0.0.1", false), ctl.bus);
          await(ctl.vertx.deployVerticle(fleet), 60);
        }
        // warm-up round (JIT, connections), not measured
        Wave warm = wave(ctl, "warm", warmJobs, replicas, 1, 64 * MB, null);
        // measured rounds: the median is the figure (the machine is shared; see BENCHMARKS.md)
        int rounds = tiny() ? 1 : Integer.getInteger("bench.rounds", 5);
        long passes0 = ctl.node.scheduler().passes();
        long hb0 = fleet == null ? 0 : fleet.heartbeats();
        List<Wave> waves = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
          waves.add(wave(ctl, "tp" + round, jobs, replicas, 1, 64 * MB, null));
        }
        List<Wave> byTime = new ArrayList<>(waves);
        byTime.sort(java.util.Comparator.comparingDouble(Wave::seconds));
        Wave w = byTime.get(byTime.size() / 2);
        double rate = w.tasks / w.seconds();
        double best = byTime.get(0).tasks / byTime.get(0).seconds();
        JsonArray each = new JsonArray();
        for (Wave x : waves) {
          each.add(new JsonObject().put("seconds", round(x.seconds(), 3)).put("tasks_per_s", Math.round(x.tasks / x.seconds()))
              .put("cpu_us_per_task", round(x.cpuUsPerTask(), 1)));
        }
        JsonObject data = new JsonObject().put("jobs", jobs).put("replicas", replicas).put("workers", workers)
            .put("worker_cpu", 32).put("transport", overGrpc ? "grpc (second JVM)" : "event bus (in-process)")
            .put("tasks", w.tasks).put("rounds", rounds).put("seconds", round(w.seconds(), 3))
            .put("submit_all_s", round((w.submittedNs - w.startNs) / 1e9, 3))
            .put("tasks_per_s", Math.round(rate)).put("best_tasks_per_s", Math.round(best))
            .put("cpu_us_per_task", round(w.cpuUsPerTask(), 1))
            .put("controller_jvm_cpu_bound_tasks_per_s_on_2_idle_cores", Math.round(2e6 / w.cpuUsPerTask()))
            .put("each_round", each)
            .put("warmup_tasks", warm.tasks).put("warmup_tasks_per_s", Math.round(warm.tasks / warm.seconds()))
            .put("scheduler_passes", ctl.node.scheduler().passes() - passes0);
        if (fleet != null) {
          data.put("heartbeats", fleet.heartbeats() - hb0);
        }
        int target = overGrpc ? 5_000 : 20_000;
        return new Result(name, String.format("%,d tasks/s median of %d (best %,d; %,d tasks in %.2f s)",
            Math.round(rate), rounds, Math.round(best), w.tasks, w.seconds()),
            String.format(">= %,d tasks/s", target), rate >= target, data);
      } finally {
        if (sims != null) {
          stopProcess(sims);
        }
      }
    }
  }

  record Wave(long tasks, long startNs, long submittedNs, long endNs, long cpuNs, long childCpuNs) {
    double seconds() {
      return (endNs - startNs) / 1e9;
    }

    /** CPU time this JVM spent per task (all threads), a figure less sensitive to other load on the machine. */
    double cpuUsPerTask() {
      return cpuNs / 1e3 / tasks;
    }

    /** CPU time of this JVM's reaped child processes per task (the task processes and their launch helpers). */
    double childCpuUsPerTask() {
      return childCpuNs / 1e3 / tasks;
    }
  }

  /**
   * CPU time of this JVM's child processes that have exited and been reaped ({@code cutime + cstime} of
   * {@code /proc/self/stat}, 10 ms resolution), in nanoseconds; 0 where there is no {@code /proc}.
   */
  static long childCpuNs() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[13]) + Long.parseLong(f[14])) * 10_000_000L; // fields 16, 17 of stat(5)
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** CPU time used by this JVM so far, in nanoseconds. */
  static long processCpuNs() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** Submits {@code jobs} jobs of {@code replicas} tasks at once and waits for every task to succeed. */
  Wave wave(Ctl ctl, String prefix, int jobs, int replicas, int cpu, long mem, String gang)
      throws Exception {
    long total = (long) jobs * replicas;
    AtomicLong done = new AtomicLong();
    long[] end = new long[1];
    CountDownLatch all = new CountDownLatch(1);
    String jobPrefix = prefix + "-";
    try (Tap tap = Tap.on(ctl.vertx, e -> {
      if (e.kind() == StoreEvent.Kind.TASK_STATE_CHANGED && e.taskState() == dev.iris.core.TaskState.SUCCEEDED
          && e.jobId().contains(jobPrefix) && done.incrementAndGet() == total) {
        end[0] = System.nanoTime();
        all.countDown();
      }
    })) {
      long cpu0 = processCpuNs();
      long child0 = childCpuNs();
      long start = System.nanoTime();
      List<Future<?>> submits = new ArrayList<>();
      for (int j = 0; j < jobs; j++) {
        submits.add(ctl.bus.launchJob(job(jobPrefix + j + "-" + System.nanoTime(), replicas, cpu, mem, gang,
            "/bin/true")));
      }
      await(Future.all(submits), 120);
      long submitted = System.nanoTime();
      if (!all.await(tiny() ? 60 : 600, TimeUnit.SECONDS)) {
        throw new IllegalStateException(prefix + ": only " + done.get() + " of " + total + " tasks succeeded");
      }
      return new Wave(total, start, submitted, end[0], processCpuNs() - cpu0, childCpuNs() - child0);
    }
  }

  // =================================================================== 3: latency

  Result latency() throws Exception {
    int n = tiny() ? 10 : 1_000;
    int warm = tiny() ? 2 : 50;
    Vertx vertx = Vertx.vertx();
    Path dir = Files.createTempDirectory("iris-bench-latency-");
    LocalCluster cluster = await(LocalCluster.start(vertx, "127.0.0.1", 0, 1, dir, TOKEN), 60);
    try {
      ControllerService bus = new EventBusControllerLink(vertx.eventBus(), 30_000);
      Map<String, CompletableFuture<long[]>> seen = new ConcurrentHashMap<>();
      try (Tap tap = Tap.on(vertx, e -> {
        if (e.kind() == StoreEvent.Kind.TASK_STATE_CHANGED) {
          long now = System.nanoTime();
          CompletableFuture<long[]> f = seen.computeIfAbsent(e.jobId(), k -> new CompletableFuture<>());
          switch (e.taskState()) {
            case RUNNING -> times(e.jobId())[0] = now;
            case SUCCEEDED -> {
              times(e.jobId())[1] = now;
              f.complete(times(e.jobId()));
            }
            case FAILED, KILLED, WORKER_FAILED, UNSCHEDULABLE ->
                f.completeExceptionally(new IllegalStateException(e.jobId() + " " + e.taskState() + ": " + e.message()));
            default -> { }
          }
        }
      })) {
        long[] toRunning = new long[n];
        long[] toSucceeded = new long[n];
        int runningUnseen = 0;
        for (int i = -warm; i < n; i++) {
          long t0 = System.nanoTime();
          String id = await(bus.launchJob(job("lat-" + (i + warm), 1, 1, 16 * MB, null, "/bin/true")), 30).getJobId();
          long[] t = seen.computeIfAbsent(id, k -> new CompletableFuture<>()).get(30, TimeUnit.SECONDS);
          seen.remove(id);
          holders.remove(id);
          if (i >= 0) {
            if (t[0] == 0) {
              // the worker's RUNNING report was superseded by SUCCEEDED before it was sent (StateReporter keeps
              // only the newest state): count it as running at SUCCEEDED, an upper bound
              runningUnseen++;
              t[0] = t[1];
            }
            toRunning[i] = t[0] - t0;
            toSucceeded[i] = t[1] - t0;
          }
        }
        Arrays.sort(toRunning);
        Arrays.sort(toSucceeded);
        double p50r = ms(pct(toRunning, 0.50));
        double p99r = ms(pct(toRunning, 0.99));
        JsonObject data = new JsonObject().put("jobs", n).put("warmup_jobs", warm).put("command", "/bin/true")
            .put("source", "committed store events (the stream behind the watch), System.nanoTime at delivery")
            .put("running_not_reported", runningUnseen).put("to_running_ms", stats(toRunning)).put("to_succeeded_ms", stats(toSucceeded));
        return new Result("latency", String.format("RUNNING p50 %.1f ms p99 %.1f ms; SUCCEEDED p50 %.1f p99 %.1f",
            p50r, p99r, ms(pct(toSucceeded, 0.5)), ms(pct(toSucceeded, 0.99))),
            "RUNNING p50 < 10, p99 < 50 ms", p50r < 10 && p99r < 50, data);
      }
    } finally {
      try {
        await(cluster.stop(), 30);
      } finally {
        await(vertx.close(), 30);
        deleteTree(dir);
      }
    }
  }

  private final Map<String, long[]> holders = new ConcurrentHashMap<>();

  private long[] times(String jobId) {
    return holders.computeIfAbsent(jobId, k -> new long[2]);
  }

  // =================================================================== 4: gang

  Result gang() throws Exception {
    int n = tiny() ? 8 : 1_000;
    try (Ctl ctl = Ctl.start(ControllerNode.Config.defaults("127.0.0.1", 0))) {
      SimWorkers fleet = new SimWorkers(new SimWorkers.Spec("gang", n, 1, 8L << 30, "g0",
          SimWorkers.Transport.BUS, "127.0.0.1", false), ctl.bus);
      long r0 = System.nanoTime();
      await(ctl.vertx.deployVerticle(fleet), 120);
      double registerS = (System.nanoTime() - r0) / 1e9;
      double[] cold = gangOnce(ctl, "gang-cold", n);
      double[] warm = gangOnce(ctl, "gang-warm", n);
      JsonObject data = new JsonObject().put("replicas", n).put("workers", n).put("group_by", "group")
          .put("register_workers_s", round(registerS, 3))
          .put("first_gang_submit_to_all_running_ms", round(cold[0], 1))
          .put("first_gang_submit_to_all_succeeded_ms", round(cold[1], 1))
          .put("second_gang_submit_to_all_running_ms", round(warm[0], 1))
          .put("second_gang_submit_to_all_succeeded_ms", round(warm[1], 1));
      return new Result("gang", String.format("all %,d RUNNING in %.0f ms (first gang %.0f ms)", n, warm[0], cold[0]),
          "< 1000 ms", warm[0] < 1000 && cold[0] < 1000, data);
    }
  }

  private double[] gangOnce(Ctl ctl, String name, int n) throws Exception {
    AtomicLong running = new AtomicLong();
    AtomicLong succeeded = new AtomicLong();
    long[] at = new long[2];
    CountDownLatch allRunning = new CountDownLatch(1);
    CountDownLatch allDone = new CountDownLatch(1);
    try (Tap tap = Tap.on(ctl.vertx, e -> {
      if (e.kind() == StoreEvent.Kind.TASK_STATE_CHANGED && e.jobId().contains(name)) {
        if (e.taskState() == dev.iris.core.TaskState.RUNNING && running.incrementAndGet() == n) {
          at[0] = System.nanoTime();
          allRunning.countDown();
        } else if (e.taskState() == dev.iris.core.TaskState.SUCCEEDED && succeeded.incrementAndGet() == n) {
          at[1] = System.nanoTime();
          allDone.countDown();
        }
      }
    })) {
      long t0 = System.nanoTime();
      await(ctl.bus.launchJob(job(name, n, 1, 64 * MB, "group", "/bin/true")), 60);
      if (!allRunning.await(120, TimeUnit.SECONDS) || !allDone.await(120, TimeUnit.SECONDS)) {
        throw new IllegalStateException(name + ": " + running.get() + " RUNNING, " + succeeded.get() + " SUCCEEDED of " + n);
      }
      return new double[] {(at[0] - t0) / 1e6, (at[1] - t0) / 1e6};
    }
  }

  // =================================================================== 5: scale

  Result scale() throws Exception {
    int jobs = tiny() ? 2 : 100;
    int replicas = tiny() ? 50 : 10_000;
    int calls = tiny() ? 20 : 300;
    long tasks = (long) jobs * replicas;
    try (Ctl ctl = Ctl.start(ControllerNode.Config.defaults("127.0.0.1", 0))) {
      SimWorkers fleet = new SimWorkers(new SimWorkers.Spec("scale", 10, 32, 64L << 30, null,
          SimWorkers.Transport.BUS, "127.0.0.1", false), ctl.bus);
      await(ctl.vertx.deployVerticle(fleet), 60);
      Thread.sleep(500);
      long before = usedHeapAfterGc();
      long t0 = System.nanoTime();
      for (int j = 0; j < jobs; j++) {
        // 64 cores per task: more than any worker has, so every task stays PENDING
        await(ctl.bus.launchJob(job("held-" + j, replicas, 64, 64 * MB, null, "/bin/true")), 120);
      }
      double submitS = (System.nanoTime() - t0) / 1e9;
      Thread.sleep(tiny() ? 600 : 3_000); // let scheduling passes run over the held tasks
      long after = usedHeapAfterGc();
      double perTask = (double) (after - before) / tasks;
      long pending = await(ctl.store.read(new StoreQuery.CountStates()), 60)
          .tasks()[dev.iris.core.TaskState.PENDING.ordinal()];
      // read latency meanwhile, over gRPC as a client sees it
      GrpcClient grpc = GrpcClient.client(ctl.vertx);
      ControllerService remote = new GrpcControllerLink(grpc, HostPort.parse(ctl.address()).toSocketAddress(), 30_000,
          TOKEN);
      long[] status = new long[calls];
      long[] list = new long[calls];
      for (int i = -10; i < calls; i++) {
        long s0 = System.nanoTime();
        await(remote.getJobStatus(Controller.GetJobStatusRequest.newBuilder()
            .setJobId(jobIdOf("held-" + Math.floorMod(i, jobs))).build()), 30);
        long s1 = System.nanoTime();
        await(remote.listJobs(Controller.ListJobsRequest.newBuilder().build()), 30);
        long s2 = System.nanoTime();
        if (i >= 0) {
          status[i] = s1 - s0;
          list[i] = s2 - s1;
        }
      }
      grpc.close();
      Arrays.sort(status);
      Arrays.sort(list);
      double bytesPerTask = Math.max(0, perTask);
      double worstP99 = Math.max(ms(pct(status, 0.99)), ms(pct(list, 0.99)));
      JsonObject data = new JsonObject().put("jobs", jobs).put("replicas", replicas).put("tasks", tasks)
          .put("tasks_still_pending", pending).put("submit_s", round(submitS, 2))
          .put("heap_used_before_mb", before / MB).put("heap_used_after_mb", after / MB)
          .put("heap_bytes_per_task", Math.round(bytesPerTask))
          .put("scheduler_passes", ctl.node.scheduler().passes())
          .put("get_job_status_ms", stats(status)).put("list_jobs_ms", stats(list))
          .put("note", "heap = used heap after System.gc(), delta over the submitted tasks; includes the whole JVM");
      return new Result("scale", String.format("%,.0f B/task heap; GetJobStatus p99 %.1f ms, ListJobs p99 %.1f ms",
          bytesPerTask, ms(pct(status, 0.99)), ms(pct(list, 0.99))), "< 2048 B/task; reads < 10 ms",
          bytesPerTask < 2048 && worstP99 < 10, data);
    }
  }

  private static String jobIdOf(String name) {
    return dev.iris.core.JobId.root(name).value();
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    var mem = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(100);
      used = Math.min(used, mem.getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  // =================================================================== 6: dead worker

  Result deadWorker() throws Exception {
    ControllerNode.Config config = ControllerNode.Config.defaults("127.0.0.1", 0);
    if (tiny()) {
      // keep CI quick: a 2.5 s worker timeout instead of the default 5 s (heartbeats stay at 1 s)
      config = config.withStore(new StoreConfig(2_500, StoreConfig.DEFAULT.startCapacity(),
          StoreConfig.DEFAULT.killGraceMs(), StoreConfig.DEFAULT.eventsRetained()));
    }
    long timeoutMs = config.store().workerTimeoutMs();
    int kills = tiny() ? 1 : Integer.getInteger("bench.kills", 5);
    Path dir = Files.createTempDirectory("iris-bench-dead-");
    try (Ctl ctl = Ctl.start(config)) {
      long[] toFailed = new long[kills];
      JsonArray each = new JsonArray();
      for (int k = 0; k < kills; k++) {
        long[] r = killOneWorker(ctl, dir, k, timeoutMs);
        toFailed[k] = r[1];
        each.add(new JsonObject().put("worker_pid", r[2]).put("kill_to_worker_lost_s", round(r[0] / 1e9, 3))
            .put("kill_to_task_worker_failed_s", round(r[1] / 1e9, 3)));
      }
      Arrays.sort(toFailed);
      double median = pct(toFailed, 0.5) / 1e9;
      double max = toFailed[kills - 1] / 1e9;
      JsonObject data = new JsonObject().put("signal", "SIGKILL").put("kills", kills)
          .put("worker_timeout_ms", timeoutMs).put("heartbeat_interval_ms", config.heartbeatIntervalMs())
          .put("store_tick_ms", config.storeTickMs())
          .put("median_s", round(median, 3)).put("min_s", round(toFailed[0] / 1e9, 3)).put("max_s", round(max, 3))
          .put("each_kill", each);
      return new Result("deadworker", String.format(
          "task WORKER_FAILED %.2f s after SIGKILL, median of %d (%.2f-%.2f s; timeout %d ms)",
          median, kills, toFailed[0] / 1e9, max, timeoutMs), "< 5 s", max < 5, data);
    } finally {
      deleteTree(dir);
    }
  }

  /** Starts an {@code iris worker} JVM, runs a task on it, SIGKILLs it; nanos to WORKER_LOST, to WORKER_FAILED, pid. */
  private long[] killOneWorker(Ctl ctl, Path dir, int k, long timeoutMs) throws Exception {
    CompletableFuture<Void> registered = new CompletableFuture<>();
    CompletableFuture<Void> running = new CompletableFuture<>();
    CompletableFuture<Long> failed = new CompletableFuture<>();
    CompletableFuture<Long> lost = new CompletableFuture<>();
    String workerId = "doomed-" + ProcessHandle.current().pid() + "-" + k;
    String jobName = "doomed-job-" + k;
    try (Tap tap = Tap.on(ctl.vertx, e -> {
      if (e.kind() == StoreEvent.Kind.WORKER_REGISTERED && workerId.equals(e.workerId())) {
        registered.complete(null);
      } else if (e.kind() == StoreEvent.Kind.WORKER_LOST && workerId.equals(e.workerId())) {
        lost.complete(System.nanoTime());
      } else if (e.kind() == StoreEvent.Kind.TASK_STATE_CHANGED && e.jobId().contains(jobName)) {
        if (e.taskState() == dev.iris.core.TaskState.RUNNING) {
          running.complete(null);
        } else if (e.taskState() == dev.iris.core.TaskState.WORKER_FAILED) {
          failed.complete(System.nanoTime());
        }
      }
    })) {
      ProcessBuilder pb = new ProcessBuilder(javaBin(), "-cp", classpath(), "dev.iris.cli.Main", "worker",
          "--controller", ctl.address(), "--token-file", tokenFile().toString(), "--host", "127.0.0.1", "--port", "0", "--worker-id", workerId,
          "--cpu", "2", "--work-dir", dir.resolve("work-" + k).toString())
          .redirectErrorStream(true).redirectOutput(out.resolve("deadworker-worker.log").toFile());
      Process worker = pb.start();
      List<ProcessHandle> orphans = new ArrayList<>();
      try {
        registered.get(60, TimeUnit.SECONDS);
        await(ctl.bus.launchJob(job(jobName, 1, 1, 16 * MB, null, "sleep", "60")
            .toBuilder().setMaxRetriesPreemption(0).build()), 30);
        running.get(30, TimeUnit.SECONDS);
        // a random phase against the worker's 1 s heartbeat, as a real crash would have
        Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(0, 1_000));
        orphans.addAll(worker.toHandle().descendants().toList());
        long t0 = System.nanoTime();
        Process kill = new ProcessBuilder("kill", "-KILL", Long.toString(worker.pid())).inheritIO().start();
        kill.waitFor(10, TimeUnit.SECONDS);
        long failedAt = failed.get(timeoutMs / 1000 + 30, TimeUnit.SECONDS);
        return new long[] {lost.getNow(failedAt) - t0, failedAt - t0, worker.pid()};
      } finally {
        worker.destroyForcibly();
        for (ProcessHandle h : orphans) {
          h.destroyForcibly();
        }
      }
    }
  }

  // =================================================================== 7: launch rate

  Result launchRate() throws Exception {
    int replicas = tiny() ? 20 : 3_000;
    int warm = tiny() ? 5 : 500;
    int slots = 64;
    Path dir = Files.createTempDirectory("iris-bench-launch-");
    try (Ctl ctl = Ctl.start(ControllerNode.Config.defaults("127.0.0.1", 0))) {
      WorkerConfig wc = WorkerConfig.defaults("launcher", dir.resolve("launcher"))
          .withCapacity(slots, 64L << 30, 1L << 40).withControllerAddress(ctl.address());
      WorkerNode worker = await(WorkerNode.start(ctl.vertx, wc, ctl.bus), 60);
      try {
        await(worker.registered(), 30);
        Wave w0 = wave(ctl, "launch-warm", 1, warm, 1, 0, null);
        // measured rounds: the median is the figure (the machine is shared; see BENCHMARKS.md)
        int rounds = tiny() ? 1 : Integer.getInteger("bench.rounds", 3);
        List<Wave> waves = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
          waves.add(wave(ctl, "launch" + round, 1, replicas, 1, 0, null));
        }
        List<Wave> byTime = new ArrayList<>(waves);
        byTime.sort(java.util.Comparator.comparingDouble(Wave::seconds));
        Wave w = byTime.get(byTime.size() / 2);
        double rate = w.tasks / w.seconds();
        JsonArray each = new JsonArray();
        for (Wave x : waves) {
          each.add(new JsonObject().put("seconds", round(x.seconds(), 3)).put("tasks_per_s", Math.round(x.tasks / x.seconds()))
              .put("cpu_us_per_task", round(x.cpuUsPerTask(), 1)).put("child_cpu_us_per_task", round(x.childCpuUsPerTask(), 1)));
        }
        JsonObject data = new JsonObject().put("tasks", replicas).put("command", "/bin/true")
            .put("worker_slots", slots).put("rounds", rounds).put("seconds", round(w.seconds(), 3))
            .put("tasks_per_s", Math.round(rate)).put("cpu_us_per_task", round(w.cpuUsPerTask(), 1))
            .put("child_cpu_us_per_task", round(w.childCpuUsPerTask(), 1))
            .put("launch_mechanism", System.getProperty("jdk.lang.Process.launchMechanism", "(default)"))
            .put("common_pool_parallelism", java.util.concurrent.ForkJoinPool.getCommonPoolParallelism())
            .put("each_round", each)
            .put("warmup_tasks", warm).put("warmup_tasks_per_s", Math.round(w0.tasks / w0.seconds()));
        return new Result("launch", String.format("%,d /bin/true tasks/s through one worker, median of %d; "
            + "%.2f ms JVM CPU + %.2f ms child CPU per task", Math.round(rate), rounds, w.cpuUsPerTask() / 1e3,
            w.childCpuUsPerTask() / 1e3),
            ">= 500 tasks/s", rate >= 500, data);
      } finally {
        await(worker.stop(), 60);
      }
    } finally {
      deleteTree(dir);
    }
  }

  // =================================================================== plumbing

  static Controller.LaunchJobRequest job(String name, int replicas, int cpu, long mem, String gang, String... argv) {
    Controller.LaunchJobRequest.Builder b = Controller.LaunchJobRequest.newBuilder().setName(name)
        .setEntrypoint(CommandEntrypoint.newBuilder().addAllArgv(List.of(argv)))
        .setResources(ResourceSpecProto.newBuilder().setReplicas(replicas).setCpu(cpu).setMemoryBytes(mem));
    if (gang != null) {
      b.setCoscheduling(CoschedulingConfig.newBuilder().setGroupBy(gang));
    }
    return b.build();
  }

  /** A controller on its own Vert.x, reached in-process over the event bus. */
  static final class Ctl implements AutoCloseable {
    final Vertx vertx;
    final ControllerNode node;
    final ControllerService bus;
    final StoreClient store;

    private Ctl(Vertx vertx, ControllerNode node) {
      this.vertx = vertx;
      this.node = node;
      this.bus = new EventBusControllerLink(vertx.eventBus(), 60_000);
      this.store = new StoreClient(vertx);
    }

    /**
     * A controller that authenticates its callers ({@link #TOKEN}): every figure is taken with tokens on, unless
     * {@code -Dbench.tokens=false} (to compare; its callers' tokens are then ignored), and grants workers the default
     * lease unless {@code -Dbench.lease.ms=N} says otherwise (0: none, to compare).
     */
    static Ctl start(ControllerNode.Config config) throws Exception {
      String lease = System.getProperty("bench.lease.ms"); // leases on by default; 0 turns them off, to compare
      if (lease != null) {
        config = config.withLeaseMs(Long.parseLong(lease));
      }
      return startAsConfigured(config.withAuth(Boolean.parseBoolean(System.getProperty("bench.tokens", "true"))
          ? dev.iris.controller.ControllerAuth.of(TOKEN, List.of()) : dev.iris.controller.ControllerAuth.none()));
    }

    /** A controller with exactly {@code config}'s authentication and TLS (the auth scenario compares them). */
    static Ctl startAsConfigured(ControllerNode.Config config) throws Exception {
      Vertx vertx = Vertx.vertx();
      try {
        return new Ctl(vertx, await(ControllerNode.start(vertx, config, Clock.systemUTC()), 60));
      } catch (Exception e) {
        vertx.close();
        throw e;
      }
    }

    String address() {
      return "127.0.0.1:" + node.port();
    }

    @Override
    public void close() throws Exception {
      try {
        await(node.stop(), 30);
      } finally {
        await(vertx.close(), 30);
      }
    }
  }

  /** A listener on the committed event stream. */
  static final class Tap implements AutoCloseable {
    private final MessageConsumer<StoreEvent> consumer;

    private Tap(MessageConsumer<StoreEvent> consumer) {
      this.consumer = consumer;
    }

    static Tap on(Vertx vertx, Consumer<StoreEvent> handler) throws Exception {
      MessageConsumer<StoreEvent> c = vertx.eventBus().<StoreEvent>localConsumer(Addresses.EVENTS,
          m -> handler.accept(m.body()));
      await(c.completion(), 10);
      return new Tap(c);
    }

    @Override
    public void close() throws Exception {
      await(consumer.unregister(), 10);
    }
  }

  Process startSimWorkerJvm(String controller, int workers, int cpu) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(javaBin(), "-cp", classpath(), SimWorkerMain.class.getName(),
        controller, Integer.toString(workers), Integer.toString(cpu), "sim-grpc")
        .redirectError(out.resolve("grpc-simworkers.log").toFile());
    pb.environment().put("IRIS_TOKEN", TOKEN);
    Process p = pb.start();
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
      try {
        String line;
        while ((line = r.readLine()) != null) {
          if (line.startsWith("READY")) {
            return line;
          }
        }
        return null;
      } catch (IOException e) {
        return null;
      }
    });
    String line = null;
    try {
      line = ready.get(90, TimeUnit.SECONDS);
    } catch (Exception e) {
      // handled below
    }
    if (line == null) {
      p.destroyForcibly();
      throw new IllegalStateException("simulated worker JVM did not start; see " + out.resolve("grpc-simworkers.log"));
    }
    return p;
  }

  static void stopProcess(Process p) throws InterruptedException {
    try {
      p.getOutputStream().close();
    } catch (IOException e) {
      // already gone
    }
    if (!p.waitFor(15, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(5, TimeUnit.SECONDS);
    }
  }

  /** The admin token of every controller a bench starts: the figures are taken with authentication on. */
  static final String TOKEN = newToken();
  private static Path tokenFile;

  static String newToken() {
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(key);
  }

  /** A file holding {@link #TOKEN} (mode 0600), for the server JVMs a bench starts; deleted at exit. */
  static synchronized Path tokenFile() throws IOException {
    if (tokenFile == null) {
      Path dir = Files.createTempDirectory("iris-bench-token-");
      tokenFile = Files.createFile(dir.resolve("token"), java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
          java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
      Files.writeString(tokenFile, TOKEN + "\n");
      dir.toFile().deleteOnExit(); // deleted at exit in the reverse order: the file, then its directory
      tokenFile.toFile().deleteOnExit();
    }
    return tokenFile;
  }

  static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** This JVM's classpath; under Surefire, the real test classpath rather than the booter jar. */
  static String classpath() {
    String cp = System.getProperty("surefire.test.class.path");
    return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
  }

  static <T> T await(Future<T> f, long seconds) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof Exception ex) {
        throw ex;
      }
      throw e;
    }
  }

  static long pct(long[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  static double ms(long nanos) {
    return nanos / 1e6;
  }

  static JsonObject stats(long[] sorted) {
    long sum = 0;
    for (long v : sorted) {
      sum += v;
    }
    return new JsonObject().put("n", sorted.length)
        .put("p50", round(ms(pct(sorted, 0.5)), 3)).put("p90", round(ms(pct(sorted, 0.9)), 3))
        .put("p99", round(ms(pct(sorted, 0.99)), 3)).put("max", round(ms(pct(sorted, 1.0)), 3))
        .put("mean", round(ms(sorted.length == 0 ? 0 : sum / sorted.length), 3));
  }

  static double round(double v, int places) {
    double f = Math.pow(10, places);
    return Math.round(v * f) / f;
  }

  static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (var s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException e) {
      // best effort
    }
  }

}
