package dev.iris.controller.api;

import dev.iris.rpc.JobStatus;
import java.util.Map;

/** What a caller who may not see a job's variables gets: their names, with every value withheld. */
public final class Redaction {
  /** Stands in for a withheld value. */
  public static final String WITHHELD = "<redacted>";

  private Redaction() {}

  public static JobStatus withoutEnvValues(JobStatus job) {
    if (job.getEnvVarsCount() == 0) {
      return job;
    }
    JobStatus.Builder b = job.toBuilder().clearEnvVars().setEnvRedacted(true);
    for (Map.Entry<String, String> e : job.getEnvVarsMap().entrySet()) {
      b.putEnvVars(e.getKey(), WITHHELD);
    }
    return b.build();
  }
}
