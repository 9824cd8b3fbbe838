package dev.iris.scheduler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Coscheduling groups of one pass and gang placement. A group is the set of schedulable workers sharing a
 * value of the gang's attribute; groups are tried in order of their first worker in the snapshot, and a
 * group's workers are ordered by the numeric {@link Scheduler#WORKER_INDEX_ATTRIBUTE} (workers without
 * one after, by id), so the k-th task of a gang gets the k-th eligible worker.
 */
final class Gangs {
  /** The workers of one group, in worker-index order. */
  record Group(String value, int[] members) {}

  private record GangKey(Shape shape, String attribute, int size) {}

  private final Ledger ledger;
  private final Map<String, List<Group>> groupsByAttribute = new HashMap<>();
  private final Map<GangKey, String> failed = new HashMap<>();

  Gangs(Ledger ledger) {
    this.ledger = ledger;
  }

  /**
   * Places every task of {@code run} or none; returns null when placed, otherwise why not. A shape that
   * found no group stays unplaceable for the rest of the pass, so the answer is remembered.
   */
  String place(PendingRun run, Shape shape, Placements out) {
    int n = run.taskCount();
    GangKey key = new GangKey(shape, run.coscheduleBy(), n);
    String known = failed.get(key);
    if (known != null) {
      return known;
    }
    List<Group> groups = groups(run.coscheduleBy());
    if (ledger.withinBounds(shape)) {
      int[] chosen = new int[n];
      for (Group group : groups) {
        if (group.members.length >= n && choose(group, shape, chosen)) {
          for (int k = 0; k < n; k++) {
            ledger.take(chosen[k], shape, 1);
            out.assign(run.job(), run.taskIndex(k), chosen[k]);
          }
          return null;
        }
      }
    }
    String reason = Reasons.forGang(ledger, shape, run.coscheduleBy(), n, groups);
    failed.put(key, reason);
    return reason;
  }

  /** Fills {@code chosen} with the first eligible workers of {@code group}; false when there are too few. */
  private boolean choose(Group group, Shape shape, int[] chosen) {
    int found = 0;
    for (int w : group.members) {
      if (ledger.fits(w, shape) && shape.eligible(w)) {
        chosen[found++] = w;
        if (found == chosen.length) {
          return true;
        }
      }
    }
    return false;
  }

  /** The groups formed by {@code attribute}, built once per pass. */
  List<Group> groups(String attribute) {
    return groupsByAttribute.computeIfAbsent(attribute, this::build);
  }

  private List<Group> build(String attribute) {
    Map<String, List<Integer>> byValue = new LinkedHashMap<>();
    for (int w = 0; w < ledger.size; w++) {
      String value = ledger.attributes(w).get(attribute);
      if (value != null) {
        byValue.computeIfAbsent(value, v -> new ArrayList<>()).add(w);
      }
    }
    double[] index = new double[ledger.size];
    for (int w = 0; w < ledger.size; w++) {
      index[w] = workerIndex(ledger.attributes(w).get(Scheduler.WORKER_INDEX_ATTRIBUTE));
    }
    Comparator<Integer> order = Comparator.<Integer>comparingDouble(w -> index[w])
        .thenComparing(ledger::id)
        .thenComparingInt(w -> w);
    List<Group> groups = new ArrayList<>(byValue.size());
    byValue.forEach((value, members) -> {
      members.sort(order);
      groups.add(new Group(value, members.stream().mapToInt(Integer::intValue).toArray()));
    });
    return List.copyOf(groups);
  }

  /** The numeric worker index, or positive infinity (sorts last) when missing or not a number. */
  private static double workerIndex(String value) {
    if (value == null) {
      return Double.POSITIVE_INFINITY;
    }
    try {
      double d = Double.parseDouble(value.trim());
      return Double.isFinite(d) ? d : Double.POSITIVE_INFINITY;
    } catch (NumberFormatException e) {
      return Double.POSITIVE_INFINITY;
    }
  }
}
