package dev.iris.controller.state;

import java.util.ArrayList;
import java.util.List;

/**
 * Committed events in order, numbered from 1, the newest {@code capacity} kept so that a watcher can
 * resume from the last sequence it saw. The capacity may change ({@link #resize}); the events kept stay.
 */
public final class EventLog {
  private StoreEvent[] ring;
  private long lastSequence;
  /** No event before this one is kept, whatever the capacity: 1, or later once the capacity changed. */
  private long firstKept = 1;

  public EventLog(int capacity) {
    ring = new StoreEvent[capacity];
  }

  /** The newest events and the sequence of the last, as an immutable value: what a snapshot keeps. */
  public record EventsImage(long lastSequence, List<StoreEvent> retained) {}

  EventsImage image() {
    return new EventsImage(lastSequence, after(0, Integer.MAX_VALUE));
  }

  /** The log {@code image} was taken of, keeping {@code capacity} events from now on. */
  static EventLog restore(int capacity, EventsImage image) {
    EventLog log = new EventLog(capacity);
    List<StoreEvent> events = image.retained();
    long first = image.lastSequence() - events.size() + 1;
    if (events.size() > capacity || first < 1) {
      throw new IllegalArgumentException(events.size() + " events up to sequence " + image.lastSequence()
          + " do not fit a log of " + capacity);
    }
    for (int i = 0; i < events.size(); i++) {
      StoreEvent e = events.get(i);
      if (e.sequence() != first + i) {
        throw new IllegalArgumentException("event " + e.sequence() + " where " + (first + i) + " was due");
      }
      log.ring[(int) (e.sequence() % capacity)] = e;
    }
    log.lastSequence = image.lastSequence();
    log.firstKept = first;
    return log;
  }

  public long lastSequence() {
    return lastSequence;
  }

  /** The oldest sequence still retained (lastSequence + 1 when empty). */
  public long firstRetained() {
    return Math.max(firstKept, lastSequence - ring.length + 1);
  }

  public int capacity() {
    return ring.length;
  }

  /** Keeps {@code capacity} events from now on: the newest of those kept stay, older ones are dropped. */
  void resize(int capacity) {
    if (capacity == ring.length) {
      return;
    }
    long from = Math.max(firstRetained(), lastSequence - capacity + 1);
    StoreEvent[] next = new StoreEvent[capacity];
    for (long s = from; s <= lastSequence; s++) {
      next[(int) (s % capacity)] = ring[(int) (s % ring.length)];
    }
    ring = next;
    firstKept = from;
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
    List<StoreEvent> out = new ArrayList<>((int) Math.min(Math.max(0, lastSequence - from + 1), Math.min(limit, 1024)));
    for (long s = from; s <= lastSequence && out.size() < limit; s++) {
      out.add(ring[(int) (s % ring.length)]);
    }
    return out;
  }
}
