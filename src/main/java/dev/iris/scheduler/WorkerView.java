package dev.iris.scheduler;

import dev.iris.core.Resources;
import java.util.Map;

/** A worker as the scheduler sees it: free = capacity minus what ASSIGNED/BUILDING/RUNNING tasks hold. */
public record WorkerView(String workerId, Resources free, Map<String, String> attributes, boolean schedulable) {}
