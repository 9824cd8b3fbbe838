package dev.iris.scheduler;

import dev.iris.core.JobId;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one scheduling pass decided. The state store re-checks each assignment before committing it.
 *
 * @param assignments placements in the order they were made (queue order)
 * @param pendingReasons for every job with a run that left tasks unplaced, one sentence saying why they
 *     wait; in queue order, the first run's reason when a job has several
 */
public record Plan(List<Assignment> assignments, Map<JobId, String> pendingReasons) {
  /** A plan that places nothing and explains nothing. */
  public static final Plan EMPTY = new Plan(List.of(), Map.of());

  public Plan {
    assignments = List.copyOf(assignments);
    pendingReasons = Collections.unmodifiableMap(new LinkedHashMap<>(pendingReasons));
  }

  /** The reason {@code job} waits, or null when this pass left none of its tasks unplaced. */
  public String pendingReason(JobId job) {
    return pendingReasons.get(job);
  }
}
