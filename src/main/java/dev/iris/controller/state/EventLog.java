package dev.iris.controller.state;

import java.util.ArrayList;
import java.util.List;

/**
 * Committed events in order, numbered from 1, the newest {@code capacity} kept so that a watcher can
 * resume from the last sequence it saw.
 */
public final class EventLog {
  private final StoreEvent[] ring;
  private long lastSequence;

  public EventLog(int capacity) {
    ring = new StoreEvent[capacity];
  }

  public long lastSequence() {
    return lastSequence;
  }

  /** The oldest sequence still retained (lastSequence + 1 when empty). */
  public long firstRetained() {
    return Math.max(1, lastSequence - ring.length + 1);
  }

  StoreEvent append(StoreEvent withoutSequence) {
    long seq = ++lastSequence;
    StoreEvent e = new StoreEvent(seq, withoutSequence.timestampMs(), withoutSequence.kind(),
        withoutSequence.jobId(), withoutSequence.taskId(), withoutSequence.workerId(),
        withoutSequence.jobState(), withoutSequence.taskState(), withoutSequence.attemptId(),
        withoutSequence.message(), withoutSequence.endpointName());
    ring[(int) (seq % ring.length)] = e;
    return e;
  }

  /** Retained events with sequence greater than {@code after}, oldest first, at most {@code limit}. */
  public List<StoreEvent> after(long after, int limit) {
    long from = Math.max(after + 1, firstRetained());
    List<StoreEvent> out = new ArrayList<>();
    for (long s = from; s <= lastSequence && out.size() < limit; s++) {
      out.add(ring[(int) (s % ring.length)]);
    }
    return out;
  }
}
