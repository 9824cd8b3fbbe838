package dev.iris.worker;

import dev.iris.worker.attempt.AttemptKey;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The attempts this worker knows: the current attempt of each task (by task id), attempts a newer one
 * superseded, and, bounded, the finished ones (oldest finished are forgotten first). Not thread-safe:
 * owned by the worker verticle's context.
 */
final class TaskTable {
  private final int maxFinished;
  private final LinkedHashMap<String, Attempt> current = new LinkedHashMap<>();
  private final Map<AttemptKey, Attempt> superseded = new HashMap<>();
  private final ArrayDeque<AttemptKey> finishedOrder = new ArrayDeque<>();

  TaskTable(int maxFinished) {
    this.maxFinished = maxFinished;
  }

  /** The task's current attempt, or null. */
  Attempt current(String taskId) {
    return current.get(taskId);
  }

  /** The current attempt or a retained older one. */
  Optional<Attempt> find(String taskId, int attemptId) {
    Attempt a = current.get(taskId);
    if (a != null && a.attemptId() == attemptId) {
      return Optional.of(a);
    }
    return Optional.ofNullable(superseded.get(new AttemptKey(taskId, attemptId)));
  }

  /** The task's retained attempts, oldest first. */
  List<Attempt> history(String taskId) {
    List<Attempt> list = new ArrayList<>();
    for (Attempt a : superseded.values()) {
      if (a.key.taskId().equals(taskId)) {
        list.add(a);
      }
    }
    Attempt a = current.get(taskId);
    if (a != null) {
      list.add(a);
    }
    list.sort(Comparator.comparingInt(Attempt::attemptId));
    return list;
  }

  /** Makes {@code a} its task's current attempt; the previous one (if any) is kept as superseded. */
  void put(Attempt a) {
    Attempt previous = current.put(a.key.taskId(), a);
    if (previous != null) {
      superseded.put(previous.key, previous);
    }
  }

  /** The current attempt of every task, in order of first arrival. */
  Collection<Attempt> currentAttempts() {
    return current.values();
  }

  /** Every attempt not yet finished, current or superseded. */
  List<Attempt> unfinished() {
    List<Attempt> list = new ArrayList<>();
    current.values().stream().filter(a -> !a.isFinished()).forEach(list::add);
    superseded.values().stream().filter(a -> !a.isFinished()).forEach(list::add);
    return list;
  }

  /** Every retained attempt, current or superseded. */
  List<Attempt> all() {
    List<Attempt> list = new ArrayList<>(current.values());
    list.addAll(superseded.values());
    return list;
  }

  int unfinishedCount() {
    int n = 0;
    for (Attempt a : current.values()) {
      if (!a.isFinished()) {
        n++;
      }
    }
    return n;
  }

  /**
   * Records that {@code a} finished; returns the attempts forgotten to stay within the bound (their logs
   * and directories can be removed). The oldest finished attempt is kept, and the table left above its
   * bound for now, while it is {@code held} (its end not yet acknowledged by the controller).
   */
  List<Attempt> finished(Attempt a, Predicate<Attempt> held) {
    finishedOrder.addLast(a.key);
    List<Attempt> evicted = new ArrayList<>();
    while (finishedOrder.size() > maxFinished) {
      Optional<Attempt> oldest = find(finishedOrder.peekFirst().taskId(), finishedOrder.peekFirst().attemptId());
      if (oldest.isPresent() && held.test(oldest.get())) {
        break;
      }
      AttemptKey key = finishedOrder.pollFirst();
      Attempt old = superseded.remove(key);
      if (old == null) {
        Attempt cur = current.get(key.taskId());
        if (cur != null && cur.key.equals(key)) {
          current.remove(key.taskId());
          old = cur;
        }
      }
      if (old != null) {
        evicted.add(old);
      }
    }
    return evicted;
  }
}
