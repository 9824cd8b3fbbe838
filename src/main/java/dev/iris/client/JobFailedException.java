package dev.iris.client;

import dev.iris.common.ProtoStates;
import dev.iris.rpc.JobStatus;

/** {@link IrisClient#wait} saw the job end in a state other than SUCCEEDED. */
public final class JobFailedException extends IrisException {
  private static final long serialVersionUID = 1L;
  private final transient JobStatus job;

  public JobFailedException(JobStatus job) {
    super(job.getState().name(), "job " + job.getJobId() + " ended " + ProtoStates.shortName(job.getState())
        + (job.getError().isEmpty() ? "" : ": " + job.getError()));
    this.job = job;
  }

  public JobStatus job() {
    return job;
  }
}
