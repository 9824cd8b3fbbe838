package dev.iris.scheduler;

import dev.iris.core.Constraint;
import dev.iris.core.JobSpec;
import dev.iris.core.Resources;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Whether any group of the registered workers could ever hold a coscheduled job, were it idle: a gang of N
 * tasks needs N workers sharing one value of its {@code coscheduleBy} attribute, each of which matches the job's
 * constraints and has, in all (not merely free now), room for one task. Judged against the workers registered
 * now, so it answers "never" only when some are registered and no group of theirs is large enough; with no
 * worker at all the job waits, and its pending reason says so.
 */
public final class GangFeasibility {
  /** A registered worker, as far as this cares: what it offers in all, and its attributes. */
  public record Member(Resources capacity, Map<String, String> attributes) {}

  private GangFeasibility() {}

  /**
   * Why no group of {@code workers} can ever hold all of {@code spec}'s tasks at once, as one sentence; empty when
   * one can, when {@code spec} is no gang, or when there are no workers.
   */
  public static Optional<String> whyNever(JobSpec spec, Collection<Member> workers) {
    if (!spec.isGang() || workers.isEmpty()) {
      return Optional.empty();
    }
    String attribute = spec.coscheduleBy();
    Map<String, Integer> able = new LinkedHashMap<>(); // per value of the attribute, the workers that could hold a task
    int withAttribute = 0;
    for (Member w : workers) {
      String value = w.attributes().get(attribute);
      if (value == null) {
        continue;
      }
      withAttribute++;
      if (w.capacity().fits(spec.resources()) && matches(spec, w.attributes())) {
        able.merge(value, 1, Integer::sum);
      }
    }
    String largest = null;
    int size = 0;
    for (Map.Entry<String, Integer> e : able.entrySet()) {
      if (e.getValue() > size) {
        largest = e.getKey();
        size = e.getValue();
      }
    }
    if (size >= spec.replicas()) {
      return Optional.empty();
    }
    String need = "coscheduled job '" + spec.id().value() + "' needs " + spec.replicas() + (spec.replicas() == 1 ? " worker" : " workers") + " with the same '"
        + attribute + "' that each have room for one task (" + spec.resources() + ")"
        + (spec.constraints().isEmpty() ? "" : " and match its constraints") + "; ";
    String registered = workers.size() + (workers.size() == 1 ? " registered worker" : " registered workers");
    if (withAttribute == 0) {
      return Optional.of(need + "none of the " + registered + " has attribute '" + attribute + "'");
    }
    if (largest == null) {
      return Optional.of(need + "none of the " + withAttribute + " of the " + registered + " with attribute '"
          + attribute + "' has room for one" + (spec.constraints().isEmpty() ? "" : " and matches"));
    }
    return Optional.of(need + "the largest such group, " + attribute + "=" + largest + ", has " + size + " (of "
        + registered + ")");
  }

  private static boolean matches(JobSpec spec, Map<String, String> attributes) {
    for (Constraint c : spec.constraints()) {
      if (!c.matches(attributes)) {
        return false;
      }
    }
    return true;
  }
}
