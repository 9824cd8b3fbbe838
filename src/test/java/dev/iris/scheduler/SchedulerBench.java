package dev.iris.scheduler;

import dev.iris.core.Constraint;
import dev.iris.core.ConstraintOp;
import dev.iris.core.JobId;
import dev.iris.core.Resources;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Micro-benchmark of the pure scheduler (a main class, not a test). Run after {@code mvn test-compile}:
 * {@code java -cp target/classes:target/test-classes:$(cat cp.txt) dev.iris.scheduler.SchedulerBench}.
 * Every scenario is built once; each pass schedules the same immutable snapshot.
 */
public final class SchedulerBench {
  private static final long GIB = 1L << 30;
  private static final long WARMUP_NANOS = 3_000_000_000L;
  private static final int PASSES = Integer.getInteger("bench.passes", 20);
  /** Runs only the scenarios whose number (1-based) is listed, e.g. {@code -Dbench.only=1,4}. */
  private static final String ONLY = System.getProperty("bench.only", "");
  private static int scenario;
  private static final Resources[] SIZES = {
      Resources.of(1, 2 * GIB), Resources.of(2, 4 * GIB), Resources.of(4, 8 * GIB), Resources.of(1, 16 * GIB),
      Resources.of(8, 32 * GIB), new Resources(2, 8 * GIB, 0, 1, "a100"), Resources.of(2, 2 * GIB),
      new Resources(4, 16 * GIB, 10 * GIB, 0, ""), new Resources(8, 64 * GIB, 0, 4, ""), Resources.of(1, GIB)};
  private static final String[] ZONES = {"us-east", "us-west", "eu-west"};

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private SchedulerBench() {}

  public static void main(String[] args) {
    System.out.printf("java %s, %d cpus available, max heap %d MiB%n", System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
    List<WorkerView> big = workers(1_000, 512, 2048);
    List<WorkerView> small = workers(1_000, 32, 128);
    bench("100,000 pending (990 runs x 100 + 250 gangs x 4), 1,000 large workers, 10 sizes",
        mixed(i -> SIZES[i % SIZES.length]), big);
    bench("100,000 pending, same queue, 1,000 small workers (capacity-bound)",
        mixed(i -> SIZES[i % SIZES.length]), small);
    bench("100,000 pending, every job its own shape (1,240 shapes), 1,000 large workers",
        mixed(i -> Resources.of(1 + i % 8, GIB + (long) i * (1 << 20))), big);
    bench("1,000,000 pending (10,000 runs x 100), none fit, 1,000 workers",
        noneFit(10_000, 100), big);
    bench("1,000,000 pending (100,000 runs x 10), none fit, 1,000 workers",
        noneFit(100_000, 10), big);
  }

  private static void bench(String name, List<PendingRun> queue, List<WorkerView> workers) {
    scenario++;
    if (!ONLY.isEmpty() && !Arrays.asList(ONLY.split(",")).contains(String.valueOf(scenario))) {
      return;
    }
    Scheduler scheduler = new Scheduler();
    long tasks = queue.stream().mapToLong(PendingRun::taskCount).sum();
    Plan plan = null;
    long warmupEnd = System.nanoTime() + WARMUP_NANOS;
    for (int i = 0; i < 20 || System.nanoTime() < warmupEnd; i++) {
      plan = scheduler.schedule(queue, workers);
    }
    long[] nanos = new long[PASSES];
    long[] cpuNanos = new long[PASSES];
    for (int i = 0; i < PASSES; i++) {
      long cpuStart = THREADS.getCurrentThreadCpuTime();
      long start = System.nanoTime();
      plan = scheduler.schedule(queue, workers);
      nanos[i] = System.nanoTime() - start;
      cpuNanos[i] = THREADS.getCurrentThreadCpuTime() - cpuStart;
    }
    Arrays.sort(nanos);
    Arrays.sort(cpuNanos);
    double mean = Arrays.stream(nanos).average().orElse(0) / 1e6;
    double median = nanos[PASSES / 2] / 1e6;
    int placed = plan.assignments().size();
    System.out.printf("%n%s%n  %,d tasks pending, %,d placed, %,d jobs waiting%n", name, tasks, placed,
        plan.pendingReasons().size());
    System.out.printf("  %.2f ms/pass mean, %.2f median, %.2f min, %.2f max over %d passes%n",
        mean, median, nanos[0] / 1e6, nanos[PASSES - 1] / 1e6, PASSES);
    System.out.printf("  %.2f ms/pass thread cpu time median (excludes time the OS gave other processes)%n",
        cpuNanos[PASSES / 2] / 1e6);
    System.out.printf("  %,.0f placements/s, %,.0f pending tasks considered/s%n",
        placed / (median / 1e3), tasks / (median / 1e3));
    if (!plan.pendingReasons().isEmpty()) {
      System.out.println("  e.g. " + plan.pendingReasons().entrySet().iterator().next());
    }
  }

  /** Workers with zones, GPUs on every fourth, and 4-worker TPU slices on the last 100. */
  private static List<WorkerView> workers(int count, int cpu, long memoryGib) {
    List<WorkerView> workers = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int gpus = i % 4 == 0 ? 8 : 0;
      String variant = gpus == 0 ? "" : (i % 8 == 0 ? "a100" : "h100");
      Resources free = new Resources(cpu, memoryGib * GIB, 1024 * GIB, gpus, variant);
      Map<String, String> attributes = i < count - 100
          ? Map.of("zone", ZONES[i % 3])
          : Map.of("zone", ZONES[i % 3], "tpu-name", "slice-" + (i / 4),
              Scheduler.WORKER_INDEX_ATTRIBUTE, String.valueOf(3 - i % 4));
      workers.add(new WorkerView(String.format("worker-%04d", i), free, attributes, i % 50 != 7));
    }
    return List.copyOf(workers);
  }

  /** 990 runs of 100 tasks (every fifth with a zone constraint) and 250 gangs of 4, interleaved. */
  private static List<PendingRun> mixed(IntFunction<Resources> size) {
    List<PendingRun> queue = new ArrayList<>();
    int[] hundred = range(100);
    int[] four = range(4);
    int gangs = 0;
    for (int i = 0; i < 990; i++) {
      List<Constraint> constraints = i % 5 == 0
          ? List.of(Constraint.of("zone", ConstraintOp.EQ, ZONES[i % 3])) : List.of();
      queue.add(new PendingRun(JobId.of("job-" + i), size.apply(i), constraints, "", hundred));
      if (i % 3 == 0 && gangs < 250) {
        queue.add(new PendingRun(JobId.of("gang-" + gangs), size.apply(990 + gangs), List.of(), "tpu-name", four));
        gangs++;
      }
    }
    return List.copyOf(queue);
  }

  /** {@code runs} runs of {@code tasks} tasks, ten shapes, each larger than any worker in some dimension. */
  private static List<PendingRun> noneFit(int runs, int tasks) {
    Resources[] shapes = new Resources[10];
    for (int s = 0; s < shapes.length; s++) {
      shapes[s] = s % 2 == 0 ? Resources.of(1_000 + s, GIB) : new Resources(1, GIB, 0, 16 + s, "");
    }
    int[] indices = range(tasks);
    List<PendingRun> queue = new ArrayList<>(runs);
    for (int i = 0; i < runs; i++) {
      queue.add(new PendingRun(JobId.of("wait-" + i), shapes[i % shapes.length], List.of(), "", indices));
    }
    return List.copyOf(queue);
  }

  private static int[] range(int n) {
    int[] a = new int[n];
    Arrays.setAll(a, i -> i);
    return a;
  }
}
