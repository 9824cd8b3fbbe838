package dev.iris.core;

/** Operators of an attribute {@link Constraint}. */
public enum ConstraintOp {
  EQ, NE, EXISTS, NOT_EXISTS, GT, GE, LT, LE, IN;

  /** True for operators that compare numerically. */
  public boolean isNumeric() {
    return this == GT || this == GE || this == LT || this == LE;
  }
}
