package dev.iris.controller;

import dev.iris.controller.state.ClusterState;
import dev.iris.controller.state.WorkerRecord;
import dev.iris.core.Job;
import dev.iris.core.JobState;
import dev.iris.rpc.Controller;
import java.util.ArrayList;
import java.util.List;

/** One page of ListJobs: newest first, filtered by state and id prefix. */
final class JobListing {
  private JobListing() {}

  static Controller.ListJobsResponse page(ClusterState s, JobState state, String prefix, int offset, int size) {
    List<Job> matching = new ArrayList<>();
    for (Job j : s.jobs()) {
      if ((state == null || j.state() == state) && (prefix.isEmpty() || j.id().value().startsWith(prefix))) {
        matching.add(j);
      }
    }
    Controller.ListJobsResponse.Builder b = Controller.ListJobsResponse.newBuilder().setTotalCount(matching.size());
    int end = Math.min(matching.size(), offset + size);
    for (int i = offset; i < end; i++) {
      Job j = matching.get(matching.size() - 1 - i);
      b.addJobs(ProtoMapper.jobStatus(j, false, id -> s.worker(id).map(WorkerRecord::address).orElse("")));
    }
    if (end < matching.size()) {
      b.setNextPageToken(Integer.toString(end));
    }
    return b.build();
  }
}
