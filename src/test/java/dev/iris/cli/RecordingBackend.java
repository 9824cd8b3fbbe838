package dev.iris.cli;

import dev.iris.cli.request.EndpointListRequest;
import dev.iris.cli.request.JobKillRequest;
import dev.iris.cli.request.JobListRequest;
import dev.iris.cli.request.JobLogsRequest;
import dev.iris.cli.request.JobRunRequest;
import dev.iris.cli.request.JobStatusRequest;
import dev.iris.cli.request.StartControllerRequest;
import dev.iris.cli.request.StartLocalClusterRequest;
import dev.iris.cli.request.StartWorkerRequest;
import dev.iris.cli.request.TaskListRequest;
import dev.iris.cli.request.TaskStatusRequest;
import dev.iris.cli.request.WorkerListRequest;
import java.util.ArrayList;
import java.util.List;

/** A backend that records each request it is handed and returns a fixed exit code. */
final class RecordingBackend implements CliBackend {
  final List<Object> requests = new ArrayList<>();
  private final int exitCode;

  RecordingBackend() {
    this(ExitCodes.OK);
  }

  RecordingBackend(int exitCode) {
    this.exitCode = exitCode;
  }

  /** The only request received, which must be of type {@code type}. */
  <T> T single(Class<T> type) {
    if (requests.size() != 1) {
      throw new AssertionError("expected one request, got " + requests);
    }
    return type.cast(requests.get(0));
  }

  private int record(Object request) {
    requests.add(request);
    return exitCode;
  }

  @Override
  public int startLocalCluster(StartLocalClusterRequest request, CliOutput output) {
    return record(request);
  }

  @Override
  public int startController(StartControllerRequest request, CliOutput output) {
    return record(request);
  }

  @Override
  public int startWorker(StartWorkerRequest request, CliOutput output) {
    return record(request);
  }

  @Override
  public int runJob(JobRunRequest request, CliOutput output) {
    return record(request);
  }

  @Override
  public int jobStatus(JobStatusRequest request, CliOutput output) {
    return record(request);
  }

  @Override
  public int listJobs(JobListRequest request, CliOutput output) {
    return record(request);
  }

  @Override
  public int jobLogs(JobLogsRequest request, CliOutput output) {
    return record(request);
  }

  @Override
  public int killJob(JobKillRequest request, CliOutput output) {
    return record(request);
  }

  @Override
  public int listTasks(TaskListRequest request, CliOutput output) {
    return record(request);
  }

  @Override
  public int taskStatus(TaskStatusRequest request, CliOutput output) {
    return record(request);
  }

  @Override
  public int listWorkers(WorkerListRequest request, CliOutput output) {
    return record(request);
  }

  @Override
  public int listEndpoints(EndpointListRequest request, CliOutput output) {
    return record(request);
  }
}
