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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One measured scenario of {@link NetLabBaseline}: a controller and three workers on four lab hosts run a fixed
 * workload, one fault is injected, and what followed is measured, not judged: when each task running at the fault
 * ran again, how many copies of each task were alive at once and for how long, how every job ended, how often each
 * task ran, what the controller thought of its workers over time, and what the JVMs logged at WARN and above.
 * The figures go to {@code target/netlab/<scenario>.json} (and stdout); the JVMs' logs and the marks to
 * {@code target/netlab/<scenario>/}.
 *
 * <p>The workload, on workers of 4 cores each: job {@code train}, 2 tasks of 3 cores for 60 s (on two workers; the
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
  private final JsonObject fault = new JsonObject();
  private final Set<String> affected = new LinkedHashSet<>();
  private final List<String> jobs = new ArrayList<>();
  private NetLab lab;
  private LabCluster cluster;
  private CopyWatch copies;
  private HealthWatch health;
  private long faultStart;
  private long faultEnd;

  private Baseline(String scenario, Path dir) {
    this.scenario = scenario;
    this.dir = dir;
  }

  /** Makes the lab ({@code ctl}, {@code w1..w3}), starts Iris on it as {@code options} say, and starts watching. */
  static Baseline start(String scenario, Path dir, LabCluster.Options options) {
    Baseline b = new Baseline(scenario, dir);
    try {
      b.lab = b.keep(NetLab.create("base", "ctl", "w1", "w2", "w3"));
      b.cluster = b.keep(LabCluster.start(b.lab, dir, options.logLevel("INFO"), "ctl", WORKERS));
      b.copies = b.keep(CopyWatch.start(dir.resolve("marks")));
      b.health = b.keep(HealthWatch.start(b.cluster.newClient()));
      b.fault.put("mode", options.cluster() ? "cluster" : "grpc");
      return b;
    } catch (RuntimeException | Error e) {
      b.close();
      throw e;
    }
  }

  private <T extends AutoCloseable> T keep(T resource) {
    resources.add(resource);
    return resource;
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
    for (String w : WORKERS) {
      jobs.add(iris().submit(JobRequest.command(TaskScript.sleeping(copies.file(), 20))
          .name("side-" + w).cpu(0).constraint("host", "EQ", w).maxRetriesPreemption(10)).id());
    }
    awaitRunning(5);
    NetLab.sleep(2_000); // a steady state: a few heartbeats after the last start
  }

  private void awaitRunning(int tasks) {
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
    Host host = lab.host(hostName);
    begin("cut", hostName, length);
    lab.cut(host);
    NetLab.sleep(length.toMillis());
    lab.heal(host);
    faultEnd = CopyWatch.epochNanos();
  }

  /** SIGSTOPs the Iris JVM on {@code hostName} for {@code length}, then SIGCONTs it. */
  void pause(String hostName, Duration length) {
    begin("sigstop", hostName, length);
    cluster.pause(hostName);
    NetLab.sleep(length.toMillis());
    cluster.resume(hostName);
    faultEnd = CopyWatch.epochNanos();
  }

  private void begin(String kind, String hostName, Duration length) {
    faultStart = CopyWatch.epochNanos();
    fault.put("kind", kind).put("host", hostName).put("length_ms", length.toMillis())
        .put("at", Instant.now().toString());
    if (hostName.equals(cluster.controllerHost().name())) {
      affected.addAll(WORKERS); // every worker loses the controller
    } else {
      affected.add(hostName);
    }
  }

  /**
   * Waits (at most {@code wait} after the fault ended) for every job to finish and for the copies to settle, then
   * writes and returns the report.
   */
  JsonObject finish(Duration wait) {
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
      // a task hit by the fault: a copy on an affected worker alive when the fault began
      boolean hit = t.copies().stream().anyMatch(c -> affected.contains(c.key().worker())
          && c.startNanos() <= faultStart && c.endNanos() > faultStart);
      if (hit) {
        Long next = t.copies().stream().filter(c -> c.startNanos() > faultStart).map(Copy::startNanos)
            .min(Long::compare).orElse(null);
        failover.put(t.task(), next == null ? null : ms(next - faultStart));
        if (next != null) {
          failoverMax = Math.max(failoverMax, ms(next - faultStart));
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
    JsonObject standing = new JsonObject();
    for (String w : affected) {
      Long lost = null;
      Long back = null;
      for (HealthWatch.Change c : health.changes()) {
        if (!c.worker().equals(w) || c.nanos() < faultStart) {
          continue;
        }
        if (lost == null && !c.health().equals("healthy")) {
          lost = rel(c.nanos());
        } else if (lost != null && back == null && c.health().equals("healthy")) {
          back = rel(c.nanos());
        }
      }
      standing.put(w, new JsonObject().put("unhealthy_ms", lost).put("healthy_again_ms", back));
    }
    long aliveAfter = all.stream().filter(c -> c.end() == Copy.End.RUNNING).count();
    return new JsonObject()
        .put("scenario", scenario)
        .put("fault", fault.copy().put("ended_ms", rel(faultEnd)))
        .put("times", "ms after the fault began")
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
    return ms(nanos - faultStart);
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
