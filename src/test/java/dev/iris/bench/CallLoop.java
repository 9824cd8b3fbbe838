package dev.iris.bench;

import io.vertx.core.Future;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * A closed loop of unary calls: {@code inFlight} callers, each issuing its next call as soon as its previous
 * one completes, until {@code calls} calls are done. Each call's latency is timed from issue to completion
 * ({@link System#nanoTime()}); the throughput is the calls over the wall time from the first issue to the
 * last completion. The CPU time spent over the loop is recorded too ({@link CpuMeter}: server threads,
 * client threads, the whole process), figures less sensitive than rates to what other tenants of the machine
 * do.
 */
final class CallLoop {
  /** One loop's outcome; {@code latencyNs} sorted ascending. */
  record Outcome(int calls, long wallNs, CpuMeter.Split cpu, long[] latencyNs) {
    double callsPerSecond() {
      return calls / (wallNs / 1e9);
    }

    double p50Us() {
      return Bench.pct(latencyNs, 0.50) / 1e3;
    }

    double p99Us() {
      return Bench.pct(latencyNs, 0.99) / 1e3;
    }

    /** The server threads' CPU time per call (precise; no GC or JIT). */
    double serverCpuUsPerCall() {
      return cpu.serverNs() / 1e3 / calls;
    }

    /** The client threads' CPU time per call. */
    double clientCpuUsPerCall() {
      return cpu.clientNs() / 1e3 / calls;
    }

    /** The whole process's CPU time per call (GC and JIT included; 10 ms resolution over the loop). */
    double processCpuUsPerCall() {
      return cpu.processNs() / 1e3 / calls;
    }
  }

  private CallLoop() {}

  /**
   * Runs {@code calls} calls of {@code call} (given the call's index), {@code inFlight} at a time.
   *
   * @throws IllegalStateException naming the first failed call, after the calls in flight have completed
   */
  static Outcome run(int calls, int inFlight, CpuMeter meter, IntFunction<Future<?>> call)
      throws InterruptedException {
    CpuMeter.Reading cpu0 = meter.read();
    long t0 = System.nanoTime();
    long[] latency = latencies(calls, inFlight, call);
    long wall = System.nanoTime() - t0;
    CpuMeter.Split cpu = meter.since(cpu0);
    Arrays.sort(latency);
    return new Outcome(calls, wall, cpu, latency);
  }

  /** The same loop, answering each call's latency by its index (call {@code i} took {@code [i]} ns). */
  static long[] latencies(int calls, int inFlight, IntFunction<Future<?>> call) throws InterruptedException {
    long[] latency = new long[calls];
    AtomicInteger next = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch callersDone = new CountDownLatch(inFlight);
    for (int c = 0; c < inFlight; c++) {
      callNext(call, latency, next, failure, callersDone);
    }
    if (!callersDone.await(300, TimeUnit.SECONDS)) {
      throw new IllegalStateException("calls still in flight after 300 s (" + next.get() + " of " + calls + " issued)");
    }
    if (failure.get() != null) {
      throw new IllegalStateException("a call failed: " + failure.get().getMessage(), failure.get());
    }
    return latency;
  }

  /** Issues the next call, if any is left and none failed; its completion issues the one after (same caller). */
  private static void callNext(IntFunction<Future<?>> call, long[] latency, AtomicInteger next,
      AtomicReference<Throwable> failure, CountDownLatch callersDone) {
    int i = next.getAndIncrement();
    if (i >= latency.length || failure.get() != null) {
      callersDone.countDown();
      return;
    }
    long start = System.nanoTime();
    call.apply(i).onComplete(ar -> {
      latency[i] = System.nanoTime() - start;
      if (ar.failed()) {
        failure.compareAndSet(null, ar.cause());
      }
      callNext(call, latency, next, failure, callersDone);
    });
  }
}
