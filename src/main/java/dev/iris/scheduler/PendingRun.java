package dev.iris.scheduler;

import dev.iris.core.Constraint;
import dev.iris.core.JobId;
import dev.iris.core.Resources;
import java.util.List;

/** A run of pending tasks of one job with identical requirements, in queue order. */
public record PendingRun(JobId job, Resources perTask, List<Constraint> constraints, String coscheduleBy,
    int[] taskIndices) {}
