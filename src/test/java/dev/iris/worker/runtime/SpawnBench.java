package dev.iris.worker.runtime;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Measures process throughput of {@link ProcessTaskRuntime}: {@code K} threads each start a
 * {@code /bin/true} and wait for its drained exit, until {@code N} processes have run; prints processes
 * per second. Not a test. Usage: {@code SpawnBench [N=2000] [K=8] [setsid=true]}.
 */
public final class SpawnBench {
  private SpawnBench() {}

  /** Runs the benchmark; see the class comment for the arguments. */
  public static void main(String[] args) throws Exception {
    int total = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    boolean setsid = args.length <= 2 || Boolean.parseBoolean(args[2]);
    ProcessTaskRuntime.Settings settings =
        new ProcessTaskRuntime.Settings(setsid, Duration.ofSeconds(2), 64 * 1024);
    try (ProcessTaskRuntime runtime = new ProcessTaskRuntime(settings)) {
      LaunchSpec spec = new LaunchSpec(List.of("/bin/true"), Path.of("."), Map.of());
      run(runtime, spec, Math.min(total, 200), concurrency); // warm-up
      long started = System.nanoTime();
      int failures = run(runtime, spec, total, concurrency);
      double seconds = (System.nanoTime() - started) / 1e9;
      System.out.printf("%d processes (%d concurrent, new session: %b) in %.2f s: %.0f processes/s, %d failed%n",
          total, concurrency, runtime.startsNewSessions(), seconds, total / seconds, failures);
    }
  }

  private static int run(ProcessTaskRuntime runtime, LaunchSpec spec, int total, int concurrency)
      throws InterruptedException {
    AtomicInteger remaining = new AtomicInteger(total);
    AtomicInteger failures = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < concurrency; i++) {
      Thread thread = new Thread(() -> {
        while (remaining.getAndDecrement() > 0) {
          try {
            if (runtime.start(spec, LineSink.discard()).exitFuture().join() != 0) {
              failures.incrementAndGet();
            }
          } catch (RuntimeException e) {
            failures.incrementAndGet(); // counted and reported: a benchmark keeps going
          }
        }
      }, "spawn-bench-" + i);
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join();
    }
    return failures.get();
  }
}
