package dev.iris.core;

import java.util.List;
import java.util.Map;

/**
 * A predicate on one worker attribute. A missing attribute fails every operator except
 * {@link ConstraintOp#NOT_EXISTS}. GT/GE/LT/LE compare numerically and fail when either side is not a
 * number.
 */
public record Constraint(String key, ConstraintOp op, String value, List<String> values) {
  public Constraint {
    if (key == null || key.isBlank()) {
      throw new ValidationException("constraint key must not be empty");
    }
    if (op == null) {
      throw new ValidationException("constraint on " + Quoted.of(key) + " has no operator");
    }
    value = value == null ? "" : value;
    values = values == null ? List.of() : List.copyOf(values);
    if (op.isNumeric() && parse(value) == null) {
      throw new ValidationException(
          "constraint " + Quoted.of(key) + " " + op + " needs a number, got " + Quoted.of(value));
    }
    if (op == ConstraintOp.IN && values.isEmpty()) {
      throw new ValidationException("constraint " + Quoted.of(key) + " IN needs at least one value");
    }
  }

  public static Constraint of(String key, ConstraintOp op, String value) {
    return new Constraint(key, op, value, List.of());
  }

  public boolean matches(Map<String, String> attributes) {
    String actual = attributes.get(key);
    if (op == ConstraintOp.NOT_EXISTS) {
      return actual == null;
    }
    if (actual == null) {
      return false;
    }
    return switch (op) {
      case EXISTS -> true;
      case EQ -> actual.equals(value);
      case NE -> !actual.equals(value);
      case IN -> values.contains(actual);
      case GT, GE, LT, LE -> compareNumbers(actual);
      case NOT_EXISTS -> throw new AssertionError("handled above");
    };
  }

  private boolean compareNumbers(String actual) {
    Double left = parse(actual);
    Double right = parse(value);
    if (left == null || right == null) {
      return false;
    }
    int c = Double.compare(left, right);
    return switch (op) {
      case GT -> c > 0;
      case GE -> c >= 0;
      case LT -> c < 0;
      case LE -> c <= 0;
      default -> false;
    };
  }

  private static Double parse(String s) {
    try {
      double d = Double.parseDouble(s.trim());
      return Double.isFinite(d) ? d : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    return switch (op) {
      case EXISTS -> key;
      case NOT_EXISTS -> "!" + key;
      case IN -> key + " in " + String.join(",", values);
      case EQ -> key + "=" + value;
      case NE -> key + "!=" + value;
      case GT -> key + ">" + value;
      case GE -> key + ">=" + value;
      case LT -> key + "<" + value;
      case LE -> key + "<=" + value;
    };
  }
}
