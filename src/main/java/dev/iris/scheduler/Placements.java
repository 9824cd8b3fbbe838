package dev.iris.scheduler;

import dev.iris.core.JobId;
import dev.iris.core.TaskId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a pass has decided so far: assignments in placement order and the first reason each job waits. */
final class Placements {
  /** Room for this many assignments up front spares typical passes the list's regrowth. */
  private static final int MAX_PRESIZE = 1 << 17;

  private final Ledger ledger;
  private final List<Assignment> assignments;
  private final Map<JobId, String> reasons = new LinkedHashMap<>();

  Placements(Ledger ledger, long pendingTasks) {
    this.ledger = ledger;
    this.assignments = new ArrayList<>((int) Math.min(pendingTasks, MAX_PRESIZE));
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
