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
 * The machinery behind the {@code iris} commands: one method per action, each taking a request the
 * command has already validated. A method prints its result to {@code output} and returns the exit
 * code ({@link ExitCodes}); it throws {@link CliException} for expected failures (unreachable
 * controller, unknown job), which are shown as one line. Long-running actions ({@code local},
 * {@code controller}, {@code worker}, {@code job run}, {@code job logs --follow}) return when they are
 * done or interrupted.
 *
 * <p>{@link IrisBackend} is the real one; tests parse and check usage against their own backends.
 */
public interface CliBackend {

  /** {@code iris local}: runs a controller and in-process workers until interrupted. */
  int startLocalCluster(StartLocalClusterRequest request, CliOutput output) throws Exception;

  /** {@code iris controller}: runs a standalone controller until interrupted. */
  int startController(StartControllerRequest request, CliOutput output) throws Exception;

  /** {@code iris worker}: runs a worker registered with a controller until interrupted. */
  int startWorker(StartWorkerRequest request, CliOutput output) throws Exception;

  /** {@code iris job run}: submits a job and, when asked, waits for it streaming its logs. */
  int runJob(JobRunRequest request, CliOutput output) throws Exception;

  /** {@code iris job status}: prints one job. */
  int jobStatus(JobStatusRequest request, CliOutput output) throws Exception;

  /** {@code iris job list}: prints jobs. */
  int listJobs(JobListRequest request, CliOutput output) throws Exception;

  /** {@code iris job logs}: prints (and with {@code follow}, streams) a job's logs. */
  int jobLogs(JobLogsRequest request, CliOutput output) throws Exception;

  /** {@code iris job kill}: terminates a job. */
  int killJob(JobKillRequest request, CliOutput output) throws Exception;

  /** {@code iris task list}: prints a job's tasks. */
  int listTasks(TaskListRequest request, CliOutput output) throws Exception;

  /** {@code iris task status}: prints one task. */
  int taskStatus(TaskStatusRequest request, CliOutput output) throws Exception;

  /** {@code iris worker list}: prints the controller's workers. */
  int listWorkers(WorkerListRequest request, CliOutput output) throws Exception;

  /** {@code iris endpoint list}: prints registered endpoints. */
  int listEndpoints(EndpointListRequest request, CliOutput output) throws Exception;
}
