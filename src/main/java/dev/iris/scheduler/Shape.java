package dev.iris.scheduler;

import dev.iris.core.Resources;

/**
 * A requirement shape within one pass: what each task needs (as primitives) and which workers satisfy its
 * constraints. Runs of different jobs with equal requirements share one shape, so what the pass learns
 * about a shape (workers before {@link #cursor} cannot take it; it fits nowhere) serves them all: capacity
 * only shrinks during a pass, so both facts stay true.
 */
final class Shape {
  final Resources perTask;
  final int cpu;
  final long memory;
  final long disk;
  final int gpus;
  /** The required GPU variant, empty when any will do (always empty when no GPU is requested). */
  final String variant;
  /** The shape's constraints, or null when it has none. */
  final ConstraintFilter filter;

  /** Non-gang runs: every worker before this one has no room for the shape. */
  int cursor;
  /** Non-gang runs: why the shape fits nowhere, once the pass has found that it does not. */
  String reason;

  Shape(Resources perTask, ConstraintFilter filter) {
    this.perTask = perTask;
    this.cpu = perTask.cpu();
    this.memory = perTask.memoryBytes();
    this.disk = perTask.diskBytes();
    this.gpus = perTask.gpus();
    this.variant = perTask.gpus() == 0 ? "" : perTask.gpuVariant();
    this.filter = filter;
  }

  /** True when worker {@code w} satisfies every constraint of the shape. */
  boolean eligible(int w) {
    return filter == null || filter.test(w);
  }
}
