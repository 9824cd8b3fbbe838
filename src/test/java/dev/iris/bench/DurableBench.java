package dev.iris.bench;

import static dev.iris.bench.Bench.await;
import static dev.iris.bench.Bench.round;

import dev.iris.bench.Bench.Ctl;
import dev.iris.bench.Bench.Result;
import dev.iris.bench.Bench.Tap;
import dev.iris.bench.Bench.Wave;
import dev.iris.controller.state.StoreEvent;
import dev.iris.node.ControllerNode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Scenario 10, durable: what the journal costs and how fast a restarted controller is back, measured side by
 * side with the in-memory controller in one run.
 * <ol>
 *   <li><b>Throughput</b>: scenario 1 (waves of jobs x replicas on in-process simulated workers) on an in-memory
 *       controller and on a durable one (a fresh state directory on this machine's disk, every change fsynced
 *       before it is acknowledged), in alternating rounds; the median of each.
 *   <li><b>LaunchJob latency</b>: sequential one-task LaunchJob calls to each controller, call to answer (for
 *       the durable one that includes its fsync).
 *   <li><b>Restart</b>: a durable controller with simulated workers in a second JVM over gRPC is stopped and
 *       started again on its state directory and port; the figure is start to the moment a job with one task
 *       for every worker (each task needs a whole worker) has succeeded: every worker heard the new controller
 *       and took its RunTask.
 * </ol>
 */
final class DurableBench {
  private static final long MB = 1L << 20;
  private final Bench bench;
  private final boolean tiny;

  DurableBench(Bench bench) {
    this.bench = bench;
    this.tiny = bench.tiny();
  }

  Result run() throws Exception {
    JsonObject data = new JsonObject();
    Path root = Files.createTempDirectory("iris-bench-durable-");
    try {
      diskSync(root, data, "disk_fdatasync_before");
      double[] rates = throughput(root.resolve("throughput"), data);
      double[] launch = launchLatency(root.resolve("latency"), data);
      double restartS = restart(root.resolve("restart"), data);
      double[] sync = diskSync(root, data, "disk_fdatasync_after");
      double ratio = rates[1] / rates[0];
      boolean met = rates[1] >= 25_000 && restartS < 3.0;
      String figure = String.format("durable %,d vs in-memory %,d tasks/s (%.0f%%); LaunchJob p50 %.2f / p99 %.2f ms "
          + "(memory %.2f / %.2f; the disk's fdatasync p50 %.2f ms); restart to %d workers re-attached %.2f s",
          Math.round(rates[1]), Math.round(rates[0]), ratio * 100, launch[2], launch[3], launch[0], launch[1], sync[0],
          data.getInteger("restart_workers"), restartS);
      return new Result("durable", figure, ">= 25,000 tasks/s durable; restart < 3 s", met, data);
    } finally {
      Bench.deleteTree(root);
    }
  }

  /**
   * What one fdatasync of a 200-byte write costs on the disk under {@code dir} right now (p50, p99 ms of 200):
   * the floor of a durable LaunchJob's latency, and on a shared machine it moves with the other tenants' I/O.
   */
  private static double[] diskSync(Path dir, JsonObject data, String key) throws IOException {
    Path file = dir.resolve("fsync-probe");
    long[] micros = new long[200];
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file,
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.allocate(1 << 20), 0);
      ch.force(true);
      for (int i = 0; i < micros.length; i++) {
        ch.write(java.nio.ByteBuffer.wrap(new byte[200]), i * 200L);
        long t0 = System.nanoTime();
        ch.force(false);
        micros[i] = (System.nanoTime() - t0) / 1_000;
      }
    } finally {
      Files.deleteIfExists(file);
    }
    Arrays.sort(micros);
    double[] out = {micros[100] / 1e3, micros[197] / 1e3};
    data.put(key + "_p50_ms", round(out[0], 3)).put(key + "_p99_ms", round(out[1], 3));
    return out;
  }

  // ------------------------------------------------------------------ throughput, memory vs durable

  private double[] throughput(Path stateDir, JsonObject data) throws Exception {
    int jobs = tiny ? 5 : 100;
    int replicas = tiny ? 10 : 100;
    int workers = tiny ? 4 : 100;
    int rounds = tiny ? 1 : Integer.getInteger("bench.rounds", 5);
    List<List<Wave>> waves = List.of(new ArrayList<>(), new ArrayList<>());
    try (Ctl memory = start(Optional.empty()); Ctl durable = start(Optional.of(stateDir))) {
      List<Ctl> both = List.of(memory, durable);
      for (Ctl ctl : both) {
        SimWorkers fleet = new SimWorkers(new SimWorkers.Spec("sim", workers, 32, 64L << 30, null,
            SimWorkers.Transport.BUS, "127.0.0.1", false), ctl.bus);
        await(ctl.vertx.deployVerticle(fleet), 60);
        bench.wave(ctl, "warm", tiny ? 1 : jobs, replicas, 1, 64 * MB, null);
      }
      for (int r = 0; r < rounds; r++) {
        for (int i = 0; i < 2; i++) { // alternating, so both see the same minutes of this shared machine
          waves.get(i).add(bench.wave(both.get(i), "tp" + r, jobs, replicas, 1, 64 * MB, null));
        }
      }
    }
    double[] medians = new double[2];
    String[] names = {"memory", "durable"};
    for (int i = 0; i < 2; i++) {
      List<Wave> byTime = new ArrayList<>(waves.get(i));
      byTime.sort(Comparator.comparingDouble(Wave::seconds));
      Wave median = byTime.get(byTime.size() / 2);
      medians[i] = median.tasks() / median.seconds();
      JsonArray each = new JsonArray();
      for (Wave w : waves.get(i)) {
        each.add(new JsonObject().put("tasks_per_s", Math.round(w.tasks() / w.seconds()))
            .put("cpu_us_per_task", round(w.cpuUsPerTask(), 1)));
      }
      data.put(names[i] + "_tasks_per_s", Math.round(medians[i])).put(names[i] + "_rounds", each);
    }
    data.put("jobs", jobs).put("replicas", replicas).put("workers", workers)
        .put("durable_state_dir_allocated_bytes", sizeOf(stateDir));
    return medians;
  }

  // ------------------------------------------------------------------ LaunchJob latency

  /** p50 and p99 (ms) of a LaunchJob call: memory, then durable. */
  private double[] launchLatency(Path stateDir, JsonObject data) throws Exception {
    int n = tiny ? 20 : 1_000;
    double[] out = new double[4];
    String[] names = {"memory", "durable"};
    try (Ctl memory = start(Optional.empty()); Ctl durable = start(Optional.of(stateDir))) {
      List<Ctl> both = List.of(memory, durable);
      List<Future<String>> fleets = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        Ctl ctl = both.get(i);
        SimWorkers fleet = new SimWorkers(new SimWorkers.Spec("lat", 4, 32, 64L << 30, null,
            SimWorkers.Transport.BUS, "127.0.0.1", false), ctl.bus);
        fleets.add(ctl.vertx.deployVerticle(fleet));
        await(fleets.get(i), 60);
        for (int w = 0; w < n / 10; w++) { // warm-up
          await(ctl.bus.launchJob(Bench.job("lat-warm-" + w, 1, 1, 64 * MB, null, "/bin/true")), 30);
        }
        long[] micros = new long[n];
        for (int k = 0; k < n; k++) {
          long t0 = System.nanoTime();
          await(ctl.bus.launchJob(Bench.job("lat-" + k, 1, 1, 64 * MB, null, "/bin/true")), 30);
          micros[k] = (System.nanoTime() - t0) / 1_000;
        }
        Arrays.sort(micros);
        out[2 * i] = micros[n / 2] / 1e3;
        out[2 * i + 1] = micros[Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)] / 1e3;
        data.put("launch_" + names[i] + "_p50_ms", round(out[2 * i], 3))
            .put("launch_" + names[i] + "_p99_ms", round(out[2 * i + 1], 3));
      }
      for (int i = 0; i < 2; i++) { // the workers go before their controllers: nothing calls a stopping store
        await(both.get(i).vertx.undeploy(fleets.get(i).result()), 30);
      }
    }
    data.put("launch_calls", n);
    return out;
  }

  // ------------------------------------------------------------------ restart

  private double restart(Path stateDir, JsonObject data) throws Exception {
    int workers = tiny ? 4 : 100;
    int port = freePort();
    Ctl first = start(Optional.of(stateDir), port);
    Process sims;
    try {
      sims = bench.startSimWorkerJvm(first.address(), workers, 32);
    } catch (Exception e) {
      first.close();
      throw e;
    }
    try {
      // some history to recover: finished jobs and their tasks
      bench.wave(first, "before", tiny ? 2 : 20, tiny ? 4 : 100, 1, 64 * MB, null);
      long t0 = System.nanoTime();
      first.close();
      long stopped = System.nanoTime();
      long t1 = System.nanoTime();
      try (Ctl second = start(Optional.of(stateDir), port)) {
        long started = System.nanoTime();
        long done = wholeFleetJob(second, workers);
        double restartS = (done - t1) / 1e9;
        data.put("restart_workers", workers).put("restart_stop_s", round((stopped - t0) / 1e9, 3))
            .put("restart_start_s", round((started - t1) / 1e9, 3))
            .put("restart_to_all_workers_running_s", round(restartS, 3))
            .put("restart_state_dir_allocated_bytes", sizeOf(stateDir));
        return restartS;
      }
    } finally {
      Bench.stopProcess(sims);
    }
  }

  /** Submits a job of one whole-worker task per worker; returns when all succeeded (System.nanoTime). */
  private static long wholeFleetJob(Ctl ctl, int workers) throws Exception {
    AtomicLong succeeded = new AtomicLong();
    long[] end = new long[1];
    CountDownLatch all = new CountDownLatch(1);
    try (Tap tap = Tap.on(ctl.vertx, e -> {
      if (e.kind() == StoreEvent.Kind.TASK_STATE_CHANGED && e.taskState() == dev.iris.core.TaskState.SUCCEEDED
          && e.jobId().startsWith("after-restart") && succeeded.incrementAndGet() == workers) {
        end[0] = System.nanoTime();
        all.countDown();
      }
    })) {
      Future<?> submit = ctl.bus.launchJob(Bench.job("after-restart", workers, 32, 64 * MB, null, "/bin/true"));
      await(submit, 60);
      if (!all.await(120, TimeUnit.SECONDS)) {
        throw new IllegalStateException("after the restart only " + succeeded.get() + " of " + workers
            + " whole-worker tasks succeeded");
      }
      return end[0];
    }
  }

  private static Ctl start(Optional<Path> stateDir) throws Exception {
    return start(stateDir, 0);
  }

  private static Ctl start(Optional<Path> stateDir, int port) throws Exception {
    return Ctl.start(ControllerNode.Config.defaults("127.0.0.1", port).withStateDir(stateDir));
  }

  private static int freePort() throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static long sizeOf(Path dir) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> {
        try {
          return Files.size(f);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
