package dev.iris.scheduler;

import dev.iris.core.JobId;
import dev.iris.core.TaskId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a pass has decided so far: assignments in placement order and the first reason each job waits. */
final class Placements {
  private final Ledger ledger;
  private final List<Assignment> assignments = new ArrayList<>();
  private final Map<JobId, String> reasons = new LinkedHashMap<>();

  Placements(Ledger ledger) {
    this.ledger = ledger;
  }

  void assign(JobId job, int taskIndex, int worker) {
    assignments.add(new Assignment(new TaskId(job, taskIndex), ledger.id(worker)));
  }

  void waiting(JobId job, String reason) {
    reasons.putIfAbsent(job, reason);
  }

  Plan plan() {
    return new Plan(assignments, reasons);
  }
}
