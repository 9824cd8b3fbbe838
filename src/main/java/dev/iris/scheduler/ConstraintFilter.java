package dev.iris.scheduler;

import dev.iris.core.Constraint;
import java.util.List;

/**
 * The AND of a list of constraints over the pass's workers, evaluated lazily and at most once per worker:
 * attributes do not change during a pass.
 */
final class ConstraintFilter {
  private static final byte UNKNOWN = 0;
  private static final byte MATCH = 1;
  private static final byte NO_MATCH = 2;

  final List<Constraint> constraints;
  private final Ledger ledger;
  private final byte[] verdicts;

  ConstraintFilter(List<Constraint> constraints, Ledger ledger) {
    this.constraints = constraints;
    this.ledger = ledger;
    this.verdicts = new byte[ledger.size];
  }

  boolean test(int w) {
    byte verdict = verdicts[w];
    if (verdict == UNKNOWN) {
      verdict = evaluate(w) ? MATCH : NO_MATCH;
      verdicts[w] = verdict;
    }
    return verdict == MATCH;
  }

  private boolean evaluate(int w) {
    var attributes = ledger.attributes(w);
    for (int i = 0, n = constraints.size(); i < n; i++) {
      if (!constraints.get(i).matches(attributes)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder();
    for (Constraint c : constraints) {
      s.append(s.length() == 0 ? "" : ", ").append(c);
    }
    return s.toString();
  }
}
