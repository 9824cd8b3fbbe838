package dev.iris.scheduler;

import java.util.List;

/** Placeholder replaced by the real scheduler. */
public final class Scheduler {
  public static final String WORKER_INDEX_ATTRIBUTE = "worker-index";

  public Plan schedule(List<PendingRun> queue, List<WorkerView> workers) {
    throw new UnsupportedOperationException("scheduler lands with its own branch");
  }
}
