package dev.iris.scheduler;

import dev.iris.core.JobId;
import java.util.List;
import java.util.Map;

/** The scheduler's output: assignments in placement order and why the unplaced tasks of each job wait. */
public record Plan(List<Assignment> assignments, Map<JobId, String> pendingReasons) {}
