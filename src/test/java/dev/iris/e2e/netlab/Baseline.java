package dev.iris.e2e.netlab;

import dev.iris.client.IrisClient;
import dev.iris.client.JobRequest;
import dev.iris.common.ProtoStates;
import dev.iris.e2e.Processes;
import dev.iris.rpc.JobState;
import dev.iris.rpc.TaskAttempt;
import dev.iris.rpc.TaskStatus;
import dev.iris.worker.Poll;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One measured scenario of {@link NetLabBaseline} or {@link NetLabLeaseE2eTest}: a controller and workers on lab hosts
 * run a workload, faults are injected (one, or several at once on different hosts), and what followed is measured,
 * for the tests to judge: when each task running at a fault
 * ran again, how many copies of each task were alive at once and for how long, how every job ended, how often each
 * task ran, what the controller thought of its workers over time, and what the JVMs logged at WARN and above.
 * The figures go to {@code target/netlab/<scenario>.json} (and stdout); the JVMs' logs and the marks to
 * {@code target/netlab/<scenario>/}.
 *
 * <p>The fixed workload ({@link #submitWorkload}), on workers of 4 cores each: job {@code train}, 2 tasks of 3 cores for 60 s (on two workers; the
 * third keeps room for one that fails over), then one job {@code side-wN} a worker, 1 task of no cores for 20 s held
 * to worker wN by a constraint (so the worker hit by a fault runs a short task too, which ends during a 30 s fault,
 * and whose retry can only run on that worker again).
 */
final class Baseline implements AutoCloseable {
  static final Path OUT = Path.of("target", "netlab");
  static final List<String> WORKERS = List.of("w1", "w2", "w3");
  private static final Pattern LOG_LEVEL = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (WARN|ERROR)\\s+(.*)$");
  private static final Duration WAIT = Duration.ofSeconds(90);

  private final String scenario;
  private final Path dir;
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final List<String> workers = new ArrayList<>();
  private final List<Fault> faults = new CopyOnWriteArrayList<>();
  private final List<String> jobs = new ArrayList<>();
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "netlab-faults");
    t.setDaemon(true);
    return t;
  });
  private String mode;
  private NetLab lab;
  private LabCluster cluster;
  private CopyWatch copies;
  private HealthWatch health;

  /** One fault: what, where, the workers it cuts off from the controller, and when it began and ended (epoch ns). */
  private static final class Fault {
    final String kind;
    final String host;
    final long lengthMs;
    final Set<String> affected;
    final long startNanos = CopyWatch.epochNanos();
    final CompletableFuture<Long> ended = new CompletableFuture<>();

    Fault(String kind, String host, long lengthMs, Set<String> affected) {
      this.kind = kind;
      this.host = host;
      this.lengthMs = lengthMs;
      this.affected = affected;
    }
  }

  private Baseline(String scenario, Path dir) {
    this.scenario = scenario;
    this.dir = dir;
  }

  /** Makes the lab ({@code ctl}, {@code w1..w3}), starts Iris on it as {@code options} say, and starts watching. */
  static Baseline start(String scenario, Path dir, LabCluster.Options options) {
    return start(scenario, dir, options, WORKERS, List.of());
  }

  /**
   * Makes the lab ({@code ctl}, the hosts of {@code workerHosts} and of {@code laterHosts}), starts Iris on it with a
   * worker on each of {@code workerHosts} ({@link #addWorkers} starts the others), and starts watching.
   */
  static Baseline start(String scenario, Path dir, LabCluster.Options options, List<String> workerHosts,
      List<String> laterHosts) {
    Baseline b = new Baseline(scenario, dir);
    try {
      List<String> hosts = new ArrayList<>(List.of("ctl"));
      hosts.addAll(workerHosts);
      hosts.addAll(laterHosts);
      b.lab = b.keep(NetLab.create("base", hosts.toArray(String[]::new)));
      b.cluster = b.keep(LabCluster.start(b.lab, dir, options.logLevel("INFO"), "ctl", workerHosts));
      b.workers.addAll(workerHosts);
      b.copies = b.keep(CopyWatch.start(dir.resolve("marks")));
      b.health = b.keep(HealthWatch.start(b.cluster.newClient()));
      b.mode = options.cluster() ? "cluster" : "grpc";
      return b;
    } catch (RuntimeException | Error e) {
      b.close();
      throw e;
    }
  }

  /** Starts workers on more hosts ({@link LabCluster#addWorkers}). */
  void addWorkers(List<String> hosts) {
    cluster.addWorkers(hosts);
    workers.addAll(hosts);
  }

  private <T extends AutoCloseable> T keep(T resource) {
    resources.add(resource);
    return resource;
  }

  /** The marks file every {@link TaskScript} task of this scenario appends to. */
  Path marks() {
    return copies.file();
  }

  /** The log lines of the Iris JVM on {@code hostName}. */
  List<String> log(String hostName) {
    return cluster.server(hostName).lines();
  }

  IrisClient iris() {
    return cluster.iris();
  }

  NetLab lab() {
    return lab;
  }

  LabCluster cluster() {
    return cluster;
  }

  /** Submits the workload and waits until every one of its 5 tasks runs (a start mark and RUNNING). */
  void submitWorkload() {
    jobs.add(iris().submit(JobRequest.command(TaskScript.sleeping(copies.file(), 60))
        .name("train").replicas(2).cpu(3).maxRetriesPreemption(10)).id());
    awaitRunning(2);
    for (String w : workers) {
      jobs.add(iris().submit(JobRequest.command(TaskScript.sleeping(copies.file(), 20))
          .name("side-" + w).cpu(0).constraint("host", "EQ", w).maxRetriesPreemption(10)).id());
    }
    awaitRunning(5);
    NetLab.sleep(2_000); // a steady state: a few heartbeats after the last start
  }

  /** Submits a job; {@link #finish} waits for it and reports on it. */
  String submit(JobRequest job) {
    String id = iris().submit(job).id();
    jobs.add(id);
    return id;
  }

  /** Waits until {@code tasks} copies run (start marks without an end) and every job submitted is RUNNING. */
  void awaitRunning(int tasks) {
    Poll.until(WAIT, tasks + " tasks to run", () -> copies.copies().stream()
        .filter(c -> c.end() == Copy.End.RUNNING).count() == tasks
        && jobs.stream().allMatch(j -> iris().status(j, false).getState() == JobState.JOB_STATE_RUNNING));
  }

  /** The worker a copy of {@code task} runs on now. */
  String workerRunning(String task) {
    List<Copy> alive = copies.alive(task);
    if (alive.isEmpty()) {
      throw new IllegalStateException("no copy of " + task + " runs");
    }
    return alive.get(0).key().worker();
  }

  /** Cuts {@code hostName} off for {@code length}, then heals it. */
  void cut(String hostName, Duration length) {
    cutFor(hostName, length);
    awaitFaultsEnded();
  }

  /** SIGSTOPs the Iris JVM on {@code hostName} for {@code length}, then SIGCONTs it. */
  void pause(String hostName, Duration length) {
    pauseFor(hostName, length);
    awaitFaultsEnded();
  }

  /** Cuts {@code hostName} off now and heals it {@code length} later, without waiting. */
  void cutFor(String hostName, Duration length) {
    Host host = lab.host(hostName);
    Fault f = begin("cut", hostName, length);
    lab.cut(host);
    endLater(f, () -> lab.heal(host));
  }

  /** SIGSTOPs the Iris JVM on {@code hostName} now and SIGCONTs it {@code length} later, without waiting. */
  void pauseFor(String hostName, Duration length) {
    Fault f = begin("sigstop", hostName, length);
    cluster.pause(hostName);
    endLater(f, () -> cluster.resume(hostName));
  }

  /** SIGKILLs the Iris JVM on {@code hostName} (a fault that never ends). */
  void kill(String hostName) {
    Fault f = begin("sigkill", hostName, Duration.ZERO);
    cluster.kill(hostName);
    f.ended.complete(CopyWatch.epochNanos());
  }

  /** Waits until every fault begun has ended. */
  void awaitFaultsEnded() {
    for (Fault f : faults) {
      f.ended.join();
    }
  }

  private void endLater(Fault f, Runnable end) {
    timers.schedule(() -> {
      try {
        end.run();
        f.ended.complete(CopyWatch.epochNanos());
      } catch (RuntimeException | Error e) {
        f.ended.completeExceptionally(e);
      }
    }, f.lengthMs, TimeUnit.MILLISECONDS);
  }

  private Fault begin(String kind, String hostName, Duration length) {
    Set<String> affected = new LinkedHashSet<>();
    if (hostName.equals(cluster.controllerHost().name())) {
      affected.addAll(workers); // every worker loses the controller
    } else {
      affected.add(hostName);
    }
    Fault f = new Fault(kind, hostName, length.toMillis(), affected);
    faults.add(f);
    return f;
  }

  /**
   * Waits (at most {@code wait} after the fault ended) for every job to finish and for the copies to settle, then
   * writes and returns the report.
   */
  JsonObject finish(Duration wait) {
    awaitFaultsEnded();
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < deadline && !jobs.stream().allMatch(this::finished)) {
      NetLab.sleep(500);
    }
    long finishedAt = CopyWatch.epochNanos();
    NetLab.sleep(5_000); // copies that outlive their job show up here
    JsonObject report = report(finishedAt);
    write(report);
    return report;
  }

  private boolean finished(String job) {
    try {
      return ProtoStates.isFinished(iris().status(job, false).getState());
    } catch (RuntimeException unreachable) {
      return false;
    }
  }

  private JsonObject report(long finishedAt) {
    List<Copy> all = copies.copies();
    Map<String, Copies.TaskCopies> byTask = Copies.byTask(all);
    JsonObject failover = new JsonObject();
    JsonObject overlap = new JsonObject();
    JsonObject runs = new JsonObject();
    JsonObject maxAlive = new JsonObject();
    JsonObject copyRows = new JsonObject();
    long failoverMax = -1;
    for (Copies.TaskCopies t : byTask.values()) {
      runs.put(t.task(), t.runs());
      maxAlive.put(t.task(), t.maxAlive());
      overlap.put(t.task(), ms(t.overlapNanos()));
      JsonArray rows = new JsonArray();
      for (Copy c : t.copies()) {
        rows.add(new JsonObject().put("attempt", c.key().attempt()).put("worker", c.key().worker())
            .put("pid", c.key().pid()).put("start_ms", rel(c.startNanos())).put("end_ms", rel(c.endNanos()))
            .put("end", c.end().name()));
      }
      copyRows.put(t.task(), rows);
      // a task hit by a fault: a copy on a worker the fault affects alive when it began; its failover is counted
      // from that fault's start
      for (Fault f : faults) {
        boolean hit = t.copies().stream().anyMatch(c -> f.affected.contains(c.key().worker())
            && c.startNanos() <= f.startNanos && c.endNanos() > f.startNanos);
        if (hit && !failover.containsKey(t.task())) {
          Long next = t.copies().stream().filter(c -> c.startNanos() > f.startNanos).map(Copy::startNanos)
              .min(Long::compare).orElse(null);
          failover.put(t.task(), next == null ? null : ms(next - f.startNanos));
          if (next != null) {
            failoverMax = Math.max(failoverMax, ms(next - f.startNanos));
          }
        }
      }
    }
    JsonObject jobStates = new JsonObject();
    JsonObject attempts = new JsonObject();
    boolean allSucceeded = true;
    for (String job : jobs) {
      JobState state = iris().status(job, false).getState();
      jobStates.put(job, state.name());
      allSucceeded &= state == JobState.JOB_STATE_SUCCEEDED;
      for (TaskStatus task : iris().listTasks(job)) {
        JsonArray rows = new JsonArray();
        for (TaskAttempt a : task.getAttemptsList()) {
          rows.add(new JsonObject().put("attempt", a.getAttemptId()).put("worker", a.getWorkerId())
              .put("state", a.getState().name()).put("error", a.getError()));
        }
        attempts.put(task.getTaskId(), rows);
      }
    }
    JsonArray workerChanges = new JsonArray();
    for (HealthWatch.Change c : health.changes()) {
      workerChanges.add(new JsonObject().put("at_ms", rel(c.nanos())).put("who", c.worker()).put("health", c.health()));
    }
    // each affected worker's standing, in ms after the start of the fault that affected it
    JsonObject standing = new JsonObject();
    JsonArray faultRows = new JsonArray();
    Set<String> affected = new LinkedHashSet<>();
    for (Fault f : faults) {
      faultRows.add(new JsonObject().put("kind", f.kind).put("host", f.host).put("length_ms", f.lengthMs)
          .put("start_ms", rel(f.startNanos)).put("ended_ms", f.ended.isDone() ? rel(f.ended.join()) : null));
      for (String w : f.affected) {
        affected.add(w);
        Long lost = null;
        Long back = null;
        for (HealthWatch.Change c : health.changes()) {
          if (!c.worker().equals(w) || c.nanos() < f.startNanos) {
            continue;
          }
          if (lost == null && !c.health().equals("healthy")) {
            lost = ms(c.nanos() - f.startNanos);
          } else if (lost != null && back == null && c.health().equals("healthy")) {
            back = ms(c.nanos() - f.startNanos);
          }
        }
        standing.put(w, new JsonObject().put("unhealthy_ms", lost).put("healthy_again_ms", back));
      }
    }
    long aliveAfter = all.stream().filter(c -> c.end() == Copy.End.RUNNING).count();
    return new JsonObject()
        .put("scenario", scenario)
        .put("mode", mode)
        .put("faults", faultRows)
        .put("times", "ms after the first fault began; failover_ms and affected_worker_health after the start of "
            + "the fault that hit the task or the worker")
        .put("affected_workers", new JsonArray(List.copyOf(affected)))
        .put("failover_ms", failover)
        .put("failover_ms_max", failoverMax < 0 ? null : failoverMax)
        .put("affected_worker_health", standing)
        .put("max_copies_alive", Copies.maxAlive(byTask))
        .put("overlap_ms_max", ms(Copies.longestOverlapNanos(byTask)))
        .put("all_jobs_succeeded", allSucceeded)
        .put("jobs", jobStates)
        .put("jobs_finished_ms", rel(finishedAt))
        .put("runs", runs)
        .put("max_copies_alive_by_task", maxAlive)
        .put("overlap_ms", overlap)
        .put("copies_alive_after_jobs_ended", aliveAfter)
        .put("controller_attempts", attempts)
        .put("copies", copyRows)
        .put("health", workerChanges)
        .put("log_warnings", warnings());
  }

  /** Each JVM's distinct WARN and ERROR lines (without their time), the first 25, and how many there were. */
  private JsonObject warnings() {
    JsonObject out = new JsonObject();
    for (Map.Entry<String, Processes.Server> e : cluster.servers().entrySet()) {
      Set<String> distinct = new LinkedHashSet<>();
      int count = 0;
      for (String line : e.getValue().lines()) {
        Matcher m = LOG_LEVEL.matcher(line);
        if (m.matches()) {
          count++;
          distinct.add(m.group(1) + " " + m.group(2).replaceAll("\\d{4,}", "N")); // pids, ports, times
        }
      }
      out.put(e.getKey(), new JsonObject().put("count", count)
          .put("distinct", new JsonArray(distinct.stream().limit(25).toList())));
    }
    return out;
  }

  private long rel(long nanos) {
    return faults.isEmpty() ? ms(nanos) : ms(nanos - faults.get(0).startNanos);
  }

  private static long ms(long nanos) {
    return Math.round(nanos / 1e6);
  }

  private void write(JsonObject report) {
    try {
      Files.createDirectories(OUT);
      Files.writeString(OUT.resolve(scenario + ".json"), report.encodePrettily() + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    System.out.println("netlab baseline " + scenario + ": " + summary(report));
    System.out.println(report.encodePrettily());
  }

  /** The headline figures in one line. */
  static String summary(JsonObject r) {
    return "failover " + r.getValue("failover_ms") + " ms, max copies alive " + r.getValue("max_copies_alive")
        + ", longest overlap " + r.getValue("overlap_ms_max") + " ms, all jobs succeeded "
        + r.getValue("all_jobs_succeeded") + " " + r.getValue("jobs") + ", runs " + r.getValue("runs");
  }

  /** Stops everything (the lab last) and keeps the JVMs' logs and the marks under target/netlab/<scenario>/. */
  @Override
  public void close() {
    timers.shutdownNow(); // a fault still to end: the lab's close heals and resumes everything anyway
    List<Throwable> failures = new ArrayList<>();
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception | Error e) {
        failures.add(e);
      }
    }
    keepLogs();
    if (!failures.isEmpty()) {
      IllegalStateException e = new IllegalStateException("baseline " + scenario + ": cleanup failed");
      failures.forEach(e::addSuppressed);
      throw e;
    }
  }

  private void keepLogs() {
    Path to = OUT.resolve(scenario);
    try (Stream<Path> files = Files.list(dir)) {
      Files.createDirectories(to);
      for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".log")
          || f.getFileName().toString().equals("marks")).toList()) {
        Files.copy(f, to.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      System.err.println("netlab baseline: could not keep the logs: " + e);
    }
  }
}
