package dev.iris.scheduler;

import dev.iris.core.Constraint;
import dev.iris.core.Resources;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The shapes and constraint filters of one pass, each made once and shared by every run that needs it. */
final class Shapes {
  private record Key(Resources perTask, List<Constraint> constraints) {}

  private final Ledger ledger;
  private final Map<Key, Shape> shapes = new HashMap<>();
  private final Map<List<Constraint>, ConstraintFilter> filters = new HashMap<>();
  private Resources lastPerTask;
  private List<Constraint> lastConstraints;
  private Shape last;

  Shapes(Ledger ledger) {
    this.ledger = ledger;
  }

  Shape of(PendingRun run) {
    Resources perTask = run.perTask();
    List<Constraint> constraints = run.constraints();
    if (perTask == lastPerTask && constraints == lastConstraints) {
      return last; // consecutive runs of one job usually share these very objects
    }
    Shape shape = shapes.computeIfAbsent(new Key(perTask, constraints),
        k -> new Shape(perTask, constraints.isEmpty() ? null : filter(constraints)));
    lastPerTask = perTask;
    lastConstraints = constraints;
    last = shape;
    return shape;
  }

  private ConstraintFilter filter(List<Constraint> constraints) {
    return filters.computeIfAbsent(constraints, c -> new ConstraintFilter(c, ledger));
  }
}
