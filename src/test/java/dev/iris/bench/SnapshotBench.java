package dev.iris.bench;

import dev.iris.controller.StateStoreVerticle;
import dev.iris.controller.StoreClient;
import dev.iris.controller.StoreQuery;
import dev.iris.controller.journal.Journal;
import dev.iris.controller.journal.JournalOptions;
import dev.iris.controller.journal.MutationCodec;
import dev.iris.controller.journal.RecoveryHandler;
import dev.iris.controller.journal.StateDir;
import dev.iris.controller.journal.StateSnapshotCodec;
import dev.iris.controller.state.AcceptMark;
import dev.iris.controller.state.ClusterState;
import dev.iris.controller.state.ClusterState.AttemptReport;
import dev.iris.controller.state.Mutation;
import dev.iris.controller.state.StateImage;
import dev.iris.controller.state.StoreConfig;
import dev.iris.controller.state.WorkerRecord;
import dev.iris.core.JobId;
import dev.iris.core.JobSpec;
import dev.iris.core.Resources;
import dev.iris.core.TaskAttempt;
import dev.iris.core.TaskId;
import dev.iris.core.TaskState;
import dev.iris.core.auth.Caller;
import dev.iris.scheduler.Assignment;
import dev.iris.scheduler.Plan;
import dev.iris.scheduler.Scheduler;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The controller's snapshots measured at a million tasks: what the store's thread pays (the image), what the
 * snapshot thread pays (encoding), the bytes per task in the snapshot and on disk after compaction, and how long a
 * controller takes to recover (the snapshot restored, then the records after it replayed). Figures go to
 * {@code docs/DESIGN-durability.md}.
 *
 * <pre>
 *   java -Xmx6g -cp target/classes:target/test-classes:$(cat target/bench.cp) dev.iris.bench.SnapshotBench \
 *       [--jobs 100] [--replicas 10000] [--rounds 5] [--tail 100000] [--dir DIR]
 * </pre>
 *
 * Three states, built through the store's mutations: "pending", the shape of benchmark scenario 5 (100 jobs of
 * 10,000 tasks too big for any of 10 workers, so all PENDING, never tried; a scheduling pass's reasons committed);
 * "running", 100 jobs of 10,000 tasks each RUNNING on one of 10 workers (the costliest image: every task and
 * attempt of an unfinished job is copied); "finished", the same run once and SUCCEEDED, with resource usage
 * observed (the retention raised so that none is forgotten). For each, median of the rounds: image, encode, decode
 * and restore times, snapshot bytes; then once, a state directory holding the snapshot and {@code --tail} records
 * after it (one-task jobs submitted, placed, run and finished: as many records as the snapshot policy lets
 * accumulate, by default), its size on disk, and the time a
 * {@link StateStoreVerticle} takes to start on it (recovery: snapshot read, decoded, restored, records replayed).
 */
public final class SnapshotBench {
  private static final long NOW = 1_700_000_000_000L;
  private static final int WORKERS = 10;

  private SnapshotBench() {}

  public static void main(String[] args) throws Exception {
    int jobs = 100;
    int replicas = JobSpec.MAX_REPLICAS;
    int rounds = 5;
    int tail = 100_000;
    Path dir = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--jobs" -> jobs = Integer.parseInt(args[++i]);
        case "--replicas" -> replicas = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--tail" -> tail = Integer.parseInt(args[++i]);
        case "--dir" -> dir = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Path base = dir != null ? dir : Files.createTempDirectory("iris-snapshot-bench");
    System.out.printf(Locale.ROOT, "# %d cores, %s, max heap %d MB, load %s%n", Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.runtime.version"), Runtime.getRuntime().maxMemory() >> 20, load());
    try {
      for (String shape : List.of("pending", "running", "finished")) {
        StoreConfig config = StoreConfig.DEFAULT.withJobRetention(new StoreConfig.JobRetention(
            24 * 3_600_000L, 10L * jobs * replicas, 10L * jobs));
        long t0 = System.nanoTime();
        ClusterState state = shape.equals("pending") ? pending(config, jobs, replicas)
            : ran(config, jobs, replicas, shape.equals("finished"));
        long tasks = (long) jobs * replicas;
        System.out.printf(Locale.ROOT, "%n## %s: %,d jobs, %,d tasks (built in %.1f s), heap used %,d MB%n", shape, jobs,
            tasks, (System.nanoTime() - t0) / 1e9, usedHeapMb());
        measure(state, tasks, rounds);
        recovery(state, config, tasks, tail, base.resolve(shape));
      }
    } finally {
      if (dir == null) {
        deleteTree(base);
      }
    }
  }

  // ------------------------------------------------------------------ the states

  /** Scenario 5's shape: every task PENDING (64 cpu, more than any worker has), a scheduling pass committed. */
  static ClusterState pending(StoreConfig config, int jobs, int replicas) {
    ClusterState s = new ClusterState(config);
    registerWorkers(s, 32, 64L << 30, 0);
    for (int j = 0; j < jobs; j++) {
      submit(s, "held-" + j, replicas, 64);
    }
    ClusterState.SchedulingInput in = s.schedulingInput();
    new Mutation.CommitPlan(new Scheduler().schedule(in.queue(), in.workers())).applyTo(s, NOW + 1);
    s.outbox().drain();
    return s;
  }

  /** Every task running on a worker, or ({@code finish}) run once and SUCCEEDED with its usage observed. */
  static ClusterState ran(StoreConfig config, int jobs, int replicas, boolean finish) {
    ClusterState s = new ClusterState(config);
    registerWorkers(s, 1_000_000, 1L << 50, 1_000_000);
    long now = NOW;
    for (int j = 0; j < jobs; j++) {
      String id = "done-" + j;
      submit(s, id, replicas, 1);
      List<Assignment> plan = new ArrayList<>(replicas);
      for (int i = 0; i < replicas; i++) {
        plan.add(new Assignment(new TaskId(JobId.of(id), i), "sim-" + (i % WORKERS)));
      }
      new Mutation.CommitPlan(new Plan(plan, Map.of())).applyTo(s, now += 10);
      for (TaskState st : finish ? List.of(TaskState.RUNNING, TaskState.SUCCEEDED) : List.of(TaskState.RUNNING)) {
        now += 1_000;
        for (int w = 0; w < WORKERS; w++) {
          List<AttemptReport> reports = new ArrayList<>();
          for (int i = w; i < replicas; i += WORKERS) {
            TaskAttempt.Observation seen = st == TaskState.SUCCEEDED
                ? new TaskAttempt.Observation(Map.of(), new TaskAttempt.Usage(120 + i % 50, 150, 97, 980, 1, 0), 0, 0,
                false)
                : null;
            reports.add(new AttemptReport(new TaskId(JobId.of(id), i), 0, st, 0, "", seen, 1 + i / WORKERS));
          }
          new Mutation.ReportTaskStates("sim-" + w, reports, Caller.admin()).applyTo(s, now);
        }
      }
      s.outbox().drain();
    }
    return s;
  }

  private static void registerWorkers(ClusterState s, int cpu, long memory, int startCapacity) {
    for (int w = 0; w < WORKERS; w++) {
      WorkerRecord.Registration r = new WorkerRecord.Registration("sim-" + w, "127.0.0.1:" + (20_000 + w),
          Resources.of(cpu, memory), Map.of(Scheduler.WORKER_INDEX_ATTRIBUTE, String.valueOf(w)), "sim", "127.0.0.1",
          startCapacity, "inc-" + w);
      new Mutation.RegisterWorker(r, new AcceptMark("inc-" + w, 0), List.of(), Caller.admin()).applyTo(s, NOW);
    }
    s.outbox().drain();
  }

  private static void submit(ClusterState s, String id, int replicas, int cpu) {
    JobSpec spec = JobSpec.simple(JobId.of(id), List.of("/bin/true"), Resources.of(cpu, 64L << 20), replicas)
        .withUser("bench");
    new Mutation.SubmitJob(spec, null, Caller.admin()).applyTo(s, NOW);
    s.outbox().drain();
  }

  // ------------------------------------------------------------------ in memory

  private static void measure(ClusterState state, long tasks, int rounds) {
    long[] image = new long[rounds];
    long[] encode = new long[rounds];
    long[] decode = new long[rounds];
    long[] restore = new long[rounds];
    int bytes = 0;
    for (int r = -1; r < rounds; r++) { // round -1 warms the JIT
      long t0 = System.nanoTime();
      StateImage taken = state.image();
      long t1 = System.nanoTime();
      byte[] payload = StateSnapshotCodec.encode(taken);
      long t2 = System.nanoTime();
      StateImage back = StateSnapshotCodec.decode(payload);
      long t3 = System.nanoTime();
      ClusterState restored = ClusterState.restore(back);
      long t4 = System.nanoTime();
      if (restored.jobs().size() != state.jobs().size()) {
        throw new IllegalStateException("restored " + restored.jobs().size() + " jobs of " + state.jobs().size());
      }
      if (r >= 0) {
        image[r] = t1 - t0;
        encode[r] = t2 - t1;
        decode[r] = t3 - t2;
        restore[r] = t4 - t3;
      }
      bytes = payload.length;
    }
    System.out.printf(Locale.ROOT, "image (store's thread) %s ms; encode (snapshot thread) %s ms; decode %s ms; "
            + "restore %s ms; snapshot %,d bytes = %.1f B/task%n", ms(image), ms(encode), ms(decode), ms(restore),
        bytes, bytes / (double) tasks);
  }

  // ------------------------------------------------------------------ on disk, and recovery

  private static void recovery(ClusterState state, StoreConfig config, long tasks, int tail, Path dir)
      throws Exception {
    byte[] payload = StateSnapshotCodec.encode(state.image());
    long t0 = System.nanoTime();
    try (StateDir d = StateDir.open(dir); Journal j = Journal.open(d, JournalOptions.defaults(), new Ignore())) {
      j.append(MutationCodec.encode(new Mutation.Reconfigure(config), NOW)).join();
      j.writeSnapshot(j.appendedLsn(), payload).join();
      long now = NOW + 10_000_000L;
      int w = 0;
      var appended = j.append(MutationCodec.encode(new Mutation.Tick(), now));
      for (int i = 0; i < tail / 4; i++) { // a one-task job submitted, placed, run and finished: 4 records
        JobId id = JobId.of("after-" + i);
        TaskId task = new TaskId(id, 0);
        String worker = "sim-" + (w++ % WORKERS);
        List<Mutation<?>> flow = List.of(
            new Mutation.SubmitJob(JobSpec.simple(id, List.of("/bin/true"), Resources.of(1, 64L << 20), 1)
                .withUser("bench"), null, Caller.admin()),
            new Mutation.CommitPlan(new Plan(List.of(new Assignment(task, worker)), Map.of())),
            new Mutation.ReportTaskStates(worker, List.of(new AttemptReport(task, 0, TaskState.RUNNING, 0, "", null)),
                Caller.admin()),
            new Mutation.ReportTaskStates(worker, List.of(new AttemptReport(task, 0, TaskState.SUCCEEDED, 0, "",
                null)), Caller.admin()));
        for (Mutation<?> m : flow) {
          appended = j.append(MutationCodec.encode(m, now += 2));
        }
        if (i % 250 == 249) {
          appended.join(); // the journal's queue is bounded
        }
      }
      appended.join();
    }
    long written = System.nanoTime() - t0;
    long onDisk = sizeOnDisk(dir);
    System.out.printf(Locale.ROOT, "state dir: snapshot of %,d bytes + %,d records after it, written in %.1f s; "
        + "%,d bytes on disk = %.1f B/task (%s)%n", payload.length, tail / 4 * 4 + 1, written / 1e9, onDisk,
        onDisk / (double) tasks, listing(dir));
    payload = null;
    System.gc();

    Vertx vertx = Vertx.vertx();
    try {
      long r0 = System.nanoTime();
      StateStoreVerticle store = new StateStoreVerticle(config, Clock.systemUTC(), 600_000, null, dir,
          JournalOptions.defaults());
      vertx.deployVerticle(store).toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
      long recovered = System.nanoTime() - r0;
      var counts = new StoreClient(vertx).read(new StoreQuery.CountStates()).toCompletionStage().toCompletableFuture()
          .get(1, TimeUnit.MINUTES);
      long seen = Arrays.stream(counts.tasks()).sum();
      System.out.printf(Locale.ROOT, "recovery (StateStoreVerticle started on it): %.2f s for %,d tasks and %,d records "
          + "(journal open %d ms); heap used after %,d MB%n", recovered / 1e9, seen,
          store.journal().recovery().records(), store.journal().recovery().elapsed().toMillis(), usedHeapMb());
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
    }
  }

  /** The sizes of the files (the zeros a segment is extended with ahead of its records included). */
  private static long sizeOnDisk(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      return all.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private static String listing(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      return String.join(", ", all.filter(Files::isRegularFile).sorted()
          .map(p -> p.getFileName() + " " + p.toFile().length()).toList());
    }
  }

  private static final class Ignore implements RecoveryHandler {
    @Override
    public void snapshot(long upToLsn, byte[] snapshot) {}

    @Override
    public void record(long lsn, byte[] record) {}
  }

  // ------------------------------------------------------------------ helpers

  /** Median (min-max) in ms. */
  private static String ms(long[] ns) {
    long[] s = ns.clone();
    Arrays.sort(s);
    return String.format(Locale.ROOT, "%.0f (%.0f-%.0f)", s[s.length / 2] / 1e6, s[0] / 1e6, s[s.length - 1] / 1e6);
  }

  private static long usedHeapMb() {
    System.gc();
    Runtime rt = Runtime.getRuntime();
    return (rt.totalMemory() - rt.freeMemory()) >> 20;
  }

  private static String load() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "?";
    }
  }

  private static void deleteTree(Path p) throws IOException {
    try (Stream<Path> all = Files.walk(p)) {
      for (Path x : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(x);
      }
    }
  }
}
