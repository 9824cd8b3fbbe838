package dev.iris.e2e.netlab;

import dev.iris.client.IrisClient;
import dev.iris.rpc.WorkerHealthStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The controller's view of its workers over time: polls {@code ListWorkers} every 250 ms on its own thread (with
 * its own client) and keeps each change of a worker's health ({@code healthy}, {@code suspect}, {@code lost}), and
 * of the controller's own reachability, with its time on the marks' clock.
 */
public final class HealthWatch implements AutoCloseable {
  private static final long POLL_MS = 250;
  private final IrisClient iris;
  private final Thread poller;
  private final Map<String, String> current = new HashMap<>();
  private final List<Change> changes = new ArrayList<>();
  private volatile boolean running = true;

  /** A worker's (or, for worker {@code "controller"}, the controller's) health changed at {@code nanos}. */
  public record Change(long nanos, String worker, String health) {}

  private HealthWatch(IrisClient iris) {
    this.iris = iris;
    this.poller = new Thread(this::loop, "health-watch");
    this.poller.setDaemon(true);
  }

  /** Starts watching through {@code iris} (closed with this watch). */
  public static HealthWatch start(IrisClient iris) {
    HealthWatch w = new HealthWatch(iris);
    w.poller.start();
    return w;
  }

  private void loop() {
    while (running) {
      long now = CopyWatch.epochNanos();
      try {
        List<WorkerHealthStatus> workers = iris.listWorkers();
        note(now, "controller", "answering");
        for (WorkerHealthStatus w : workers) {
          note(now, w.getWorkerId(), health(w));
        }
      } catch (RuntimeException e) {
        note(now, "controller", "not answering");
      }
      try {
        Thread.sleep(POLL_MS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static String health(WorkerHealthStatus w) {
    if (w.getHealthy()) {
      return "healthy";
    }
    return w.getLost() ? "lost" : w.getSuspect() ? "suspect" : "unhealthy";
  }

  private synchronized void note(long nanos, String worker, String health) {
    if (!health.equals(current.put(worker, health))) {
      changes.add(new Change(nanos, worker, health));
    }
  }

  /** Every change so far, the first sighting of each worker included. */
  public synchronized List<Change> changes() {
    return List.copyOf(changes);
  }

  @Override
  public void close() {
    running = false;
    poller.interrupt();
    try {
      poller.join(35_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    iris.close();
  }
}
