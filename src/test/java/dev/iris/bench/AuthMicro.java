package dev.iris.bench;

import dev.iris.controller.ControllerAuth;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.function.ToIntFunction;

/**
 * The cost of one authentication step alone ({@link ControllerAuth#authenticate}, or {@code
 * TokenBook.authenticate} beneath it), in a tight loop on one thread: JMH-style warm-up
 * (iterations run and thrown away until the JIT has compiled the path), then measured iterations, each timed
 * by the wall clock and by the thread's CPU time (which a descheduled thread does not accrue); the figure is
 * the median iteration's CPU time per call. A result of every call feeds a sink so the JIT cannot drop the
 * work.
 */
final class AuthMicro {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static volatile int sink;

  private AuthMicro() {}

  /** Nanoseconds per call: the median and min of the iterations' CPU time, the median of their wall time. */
  record Cost(double medianNs, double minNs, double medianWallNs) {
    JsonObject json() {
      return new JsonObject().put("cpu_ns_per_call_median", Bench.round(medianNs, 1))
          .put("cpu_ns_per_call_min", Bench.round(minNs, 1))
          .put("wall_ns_per_call_median", Bench.round(medianWallNs, 1));
    }
  }

  /** Times {@code op.applyAsInt(input)} (what it returns feeds the sink). */
  static Cost measure(ToIntFunction<String> op, String input, int warmIterations, int iterations,
      int callsPerIteration) {
    for (int i = 0; i < warmIterations; i++) {
      loop(op, input, callsPerIteration);
    }
    double[] cpu = new double[iterations];
    double[] wall = new double[iterations];
    for (int i = 0; i < iterations; i++) {
      long c0 = THREADS.getCurrentThreadCpuTime();
      long w0 = System.nanoTime();
      loop(op, input, callsPerIteration);
      wall[i] = (double) (System.nanoTime() - w0) / callsPerIteration;
      cpu[i] = (double) (THREADS.getCurrentThreadCpuTime() - c0) / callsPerIteration;
    }
    Arrays.sort(cpu);
    Arrays.sort(wall);
    return new Cost(cpu[iterations / 2], cpu[0], wall[iterations / 2]);
  }

  private static void loop(ToIntFunction<String> op, String input, int calls) {
    int acc = 0;
    for (int i = 0; i < calls; i++) {
      acc += op.applyAsInt(input);
    }
    sink += acc;
  }
}
