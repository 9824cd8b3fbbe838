package dev.iris.bench;

import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * CPU time of one JVM split between a client and the servers it calls, when both run in it: the client is
 * one Vert.x instance whose event-loop threads are known ({@link #of}); every other Java thread but the one
 * taking the readings counts as server. Per-thread CPU time ({@link ThreadMXBean}) is precise to the
 * nanosecond but leaves out the JVM's own threads (GC, JIT) and threads that ended between two readings;
 * the process's CPU time ({@link Bench#processCpuNs()}, 10 ms resolution) includes everything.
 */
final class CpuMeter {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private final Set<Long> clientThreads;

  /** A reading: each live thread's CPU time, and the process's. */
  record Reading(Map<Long, Long> threads, long processNs) {}

  /** CPU spent between two readings. */
  record Split(long serverNs, long clientNs, long processNs) {}

  private CpuMeter(Set<Long> clientThreads) {
    this.clientThreads = clientThreads;
  }

  /**
   * A meter whose client is {@code client}'s event loops (each is made to start, and asked its thread). Vert.x
   * names the threads of every instance alike, so they are found through its internal Netty event-loop group.
   */
  static CpuMeter of(Vertx client) throws Exception {
    Set<Long> ids = new HashSet<>();
    for (EventExecutor loop : ((VertxInternal) client).nettyEventLoopGroup()) {
      ids.add(loop.submit(() -> Thread.currentThread().getId()).get(10, TimeUnit.SECONDS));
    }
    return new CpuMeter(Set.copyOf(ids));
  }

  Reading read() {
    Map<Long, Long> cpu = new HashMap<>();
    for (long id : THREADS.getAllThreadIds()) {
      long ns = THREADS.getThreadCpuTime(id);
      if (ns >= 0) {
        cpu.put(id, ns);
      }
    }
    return new Reading(cpu, Bench.processCpuNs());
  }

  Split since(Reading before) {
    Reading now = read();
    long me = Thread.currentThread().getId();
    long server = 0;
    long client = 0;
    for (Map.Entry<Long, Long> e : now.threads().entrySet()) {
      long used = e.getValue() - before.threads().getOrDefault(e.getKey(), 0L);
      if (clientThreads.contains(e.getKey())) {
        client += used;
      } else if (e.getKey() != me) {
        server += used;
      }
    }
    return new Split(server, client, now.processNs() - before.processNs());
  }
}
