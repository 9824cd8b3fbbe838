package dev.iris.e2e.netlab;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The copies checker, pure: from the marks tasks wrote (and when the processes of copies that wrote no stop mark
 * were seen gone), the copies of each task, how many were alive at once at most, and for how long more than one
 * was alive.
 */
public final class Copies {
  private Copies() {}

  /**
   * What happened to one task.
   *
   * @param runs how many copies started
   * @param maxAlive the most copies alive at one instant
   * @param overlapNanos how long two or more copies were alive, in total
   * @param copies its copies, by start
   */
  public record TaskCopies(String task, int runs, int maxAlive, long overlapNanos, List<Copy> copies) {}

  /**
   * The copies {@code marks} describe. A start without a stop mark ends when {@code vanished} says its process was
   * seen gone, or is still running at {@code now}. Duplicate marks count once; a stop without a start is ignored.
   */
  public static List<Copy> of(List<Mark> marks, Map<Copy.Key, Long> vanished, long now) {
    Map<Copy.Key, Mark> starts = new LinkedHashMap<>();
    Map<Copy.Key, Mark> stops = new LinkedHashMap<>();
    for (Mark m : marks) {
      (m.start() ? starts : stops).putIfAbsent(m.key(), m);
    }
    List<Copy> copies = new ArrayList<>();
    for (Mark start : starts.values()) {
      Mark stop = stops.get(start.key());
      Long gone = vanished.get(start.key());
      Copy copy;
      if (stop != null) {
        copy = new Copy(start.key(), start.nanos(), Math.max(start.nanos(), stop.nanos()),
            stop.how().equals("term") ? Copy.End.TERMINATED : Copy.End.EXITED);
      } else if (gone != null) {
        copy = new Copy(start.key(), start.nanos(), Math.max(start.nanos(), gone), Copy.End.VANISHED);
      } else {
        copy = new Copy(start.key(), start.nanos(), Math.max(start.nanos(), now), Copy.End.RUNNING);
      }
      copies.add(copy);
    }
    copies.sort(Comparator.comparingLong(Copy::startNanos));
    return copies;
  }

  /** {@code copies} grouped by task (in task id order) with each task's figures. */
  public static Map<String, TaskCopies> byTask(List<Copy> copies) {
    Map<String, List<Copy>> grouped = new TreeMap<>();
    for (Copy c : copies) {
      grouped.computeIfAbsent(c.task(), t -> new ArrayList<>()).add(c);
    }
    Map<String, TaskCopies> result = new LinkedHashMap<>();
    grouped.forEach((task, list) -> result.put(task, analyse(task, list)));
    return result;
  }

  /** The figures of one task's copies: a sweep over their starts (+1) and ends (-1), ends first at a tie. */
  static TaskCopies analyse(String task, List<Copy> copies) {
    record Edge(long at, int delta) {}
    List<Edge> edges = new ArrayList<>();
    for (Copy c : copies) {
      edges.add(new Edge(c.startNanos(), +1));
      edges.add(new Edge(c.endNanos(), -1));
    }
    // a copy that ends at the instant another starts does not overlap it
    edges.sort(Comparator.comparingLong(Edge::at).thenComparingInt(Edge::delta));
    int alive = 0;
    int max = 0;
    long overlap = 0;
    long overlapSince = 0;
    for (Edge e : edges) {
      int before = alive;
      alive += e.delta();
      max = Math.max(max, alive);
      if (before < 2 && alive >= 2) {
        overlapSince = e.at();
      } else if (before >= 2 && alive < 2) {
        overlap += e.at() - overlapSince;
      }
    }
    List<Copy> sorted = new ArrayList<>(copies);
    sorted.sort(Comparator.comparingLong(Copy::startNanos));
    return new TaskCopies(task, copies.size(), max, overlap, List.copyOf(sorted));
  }

  /** The most copies of any one task alive at once (0 without copies). */
  public static int maxAlive(Map<String, TaskCopies> byTask) {
    return byTask.values().stream().mapToInt(TaskCopies::maxAlive).max().orElse(0);
  }

  /** The longest overlap of any one task, in ns. */
  public static long longestOverlapNanos(Map<String, TaskCopies> byTask) {
    return byTask.values().stream().mapToLong(TaskCopies::overlapNanos).max().orElse(0);
  }
}
