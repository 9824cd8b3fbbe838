package dev.iris.scheduler;

import dev.iris.core.Constraint;
import dev.iris.core.Resources;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The shapes and constraint filters of one pass, each made once and shared by every run that needs it. */
final class Shapes {
  private record ShapeKey(Resources perTask, List<Constraint> constraints) {}

  private final Ledger ledger;
  private final Map<ShapeKey, Shape> shapes = new HashMap<>();
  private final Map<List<Constraint>, ConstraintFilter> filters = new HashMap<>();
  // A small direct-mapped cache by object identity: the store hands every run of a job the job's own
  // Resources and constraint list, so most lookups skip hashing records and lists.
  private static final int CACHE_SLOTS = 64;
  private final Object[] cachedPerTask = new Object[CACHE_SLOTS];
  private final Object[] cachedConstraints = new Object[CACHE_SLOTS];
  private final Shape[] cachedShape = new Shape[CACHE_SLOTS];

  Shapes(Ledger ledger) {
    this.ledger = ledger;
  }

  Shape of(PendingRun run) {
    Resources perTask = run.perTask();
    List<Constraint> constraints = run.constraints();
    int slot = (System.identityHashCode(perTask) * 31 + System.identityHashCode(constraints)) & (CACHE_SLOTS - 1);
    if (cachedPerTask[slot] == perTask && cachedConstraints[slot] == constraints) {
      return cachedShape[slot];
    }
    Shape shape = shapes.computeIfAbsent(new ShapeKey(perTask, constraints),
        k -> new Shape(perTask, constraints.isEmpty() ? null : filter(constraints)));
    cachedPerTask[slot] = perTask;
    cachedConstraints[slot] = constraints;
    cachedShape[slot] = shape;
    return shape;
  }

  private ConstraintFilter filter(List<Constraint> constraints) {
    return filters.computeIfAbsent(constraints, c -> new ConstraintFilter(c, ledger));
  }
}
