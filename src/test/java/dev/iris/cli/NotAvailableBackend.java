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

/**
 * A backend for tests of parsing and usage: every action fails with
 * {@link CliException#notAvailable(String, String)} (exit code {@value ExitCodes#NOT_AVAILABLE}), so a
 * test sees which command a command line reached without running anything.
 */
public class NotAvailableBackend implements CliBackend {
  private static final String CONTROLLER_ISSUE = "the controller issue";
  private static final String WORKER_ISSUE = "the worker issue";
  private static final String CLIENT_ISSUE = "the client issue";

  @Override
  public int startLocalCluster(StartLocalClusterRequest request, CliOutput output) {
    throw CliException.notAvailable("local", CLIENT_ISSUE);
  }

  @Override
  public int startController(StartControllerRequest request, CliOutput output) {
    throw CliException.notAvailable("controller", CONTROLLER_ISSUE);
  }

  @Override
  public int startWorker(StartWorkerRequest request, CliOutput output) {
    throw CliException.notAvailable("worker", WORKER_ISSUE);
  }

  @Override
  public int runJob(JobRunRequest request, CliOutput output) {
    throw CliException.notAvailable("job run", CLIENT_ISSUE);
  }

  @Override
  public int jobStatus(JobStatusRequest request, CliOutput output) {
    throw CliException.notAvailable("job status", CLIENT_ISSUE);
  }

  @Override
  public int listJobs(JobListRequest request, CliOutput output) {
    throw CliException.notAvailable("job list", CLIENT_ISSUE);
  }

  @Override
  public int jobLogs(JobLogsRequest request, CliOutput output) {
    throw CliException.notAvailable("job logs", CLIENT_ISSUE);
  }

  @Override
  public int killJob(JobKillRequest request, CliOutput output) {
    throw CliException.notAvailable("job kill", CLIENT_ISSUE);
  }

  @Override
  public int listTasks(TaskListRequest request, CliOutput output) {
    throw CliException.notAvailable("task list", CLIENT_ISSUE);
  }

  @Override
  public int taskStatus(TaskStatusRequest request, CliOutput output) {
    throw CliException.notAvailable("task status", CLIENT_ISSUE);
  }

  @Override
  public int listWorkers(WorkerListRequest request, CliOutput output) {
    throw CliException.notAvailable("worker list", CLIENT_ISSUE);
  }

  @Override
  public int listEndpoints(EndpointListRequest request, CliOutput output) {
    throw CliException.notAvailable("endpoint list", CLIENT_ISSUE);
  }
}
