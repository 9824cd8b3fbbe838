package dev.iris.client;

import dev.iris.common.HostPort;
import dev.iris.common.RpcException;
import dev.iris.common.Tls;
import dev.iris.link.GrpcControllerLink;
import dev.iris.rpc.Controller;
import dev.iris.rpc.ControllerService;
import dev.iris.rpc.JobState;
import dev.iris.rpc.JobStatus;
import dev.iris.rpc.TaskStatus;
import dev.iris.rpc.Worker;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.client.GrpcClient;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The Java client of Iris.
 *
 * <pre>{@code
 * try (IrisClient iris = IrisClient.remote("localhost:10000")) {
 *   JobHandle job = iris.submit(JobRequest.command("sh", "-c", "echo hello from $IRIS_TASK_INDEX").replicas(4));
 *   JobStatus done = job.wait(Duration.ofMinutes(5), true, null, System.out::println); // [task-2] hello from 2
 *   for (TaskStatus t : iris.listTasks(job.id())) { ... }
 * }
 * }</pre>
 *
 * Methods block the calling thread; never call them on a Vert.x event loop. Failures are
 * {@link IrisException}s with a one-line message; a job that does not succeed makes {@link #wait} throw
 * {@link JobFailedException}.
 */
public final class IrisClient implements AutoCloseable {
  static final long CALL_TIMEOUT_MS = 30_000;
  private final Vertx vertx;
  private final boolean ownsVertx;
  private final GrpcClient grpc;
  private final ControllerService controller;
  private final String address;
  private final AutoCloseable onClose;
  private volatile Reconnect reconnect = Reconnect.DEFAULT;
  private volatile ConnectionListener connection = ConnectionListener.LOG;
  /** Whether the controller ever answered this client: a follow that never reached it fails at once. */
  private volatile boolean answered;

  IrisClient(Vertx vertx, boolean ownsVertx, String address, String token, AutoCloseable onClose, Tls tls) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.address = address;
    this.grpc = dev.iris.common.GrpcClients.create(vertx, tls);
    this.controller = new GrpcControllerLink(grpc, HostPort.parse(address).toSocketAddress(), CALL_TIMEOUT_MS,
        token);
    this.onClose = onClose;
  }

  /**
   * A client of the controller at {@code host:port}, as the environment says ({@link RemoteOptions#fromEnvironment()}):
   * over TLS when {@code IRIS_TLS_CA} names the CA certificate to verify it with; bearing the token of
   * {@code $IRIS_TOKEN} (inside a task: the task's own, scoped to its job), else of {@code ~/.iris/token}.
   */
  public static IrisClient remote(String address) {
    return remote(address, RemoteOptions.fromEnvironment());
  }

  /** A client of the controller at {@code host:port} whose calls bear {@code token}, in plaintext. */
  public static IrisClient remote(String address, String token) {
    return remote(address, RemoteOptions.plaintext().withToken(token));
  }

  /** A client of the controller at {@code host:port}, reached as {@code options} say. */
  public static IrisClient remote(String address, RemoteOptions options) {
    try {
      HostPort.parse(address);
    } catch (IllegalArgumentException e) {
      throw new IrisException("INVALID_ARGUMENT", e.getMessage());
    }
    return new IrisClient(Vertx.vertx(), true, address, options.token(), null, options.tls());
  }

  /** A client of a new in-process cluster of a controller and {@code workers} workers; close stops it. */
  public static IrisClient local(int workers) {
    return LocalCluster.startClient(workers);
  }

  /** The controller's address, {@code host:port}. */
  public String address() {
    return address;
  }

  /**
   * How {@link #wait} rides through a controller that stops answering (a restart): by default it retries for
   * {@link Reconnect#DEFAULT_GIVE_UP_AFTER}, then fails with status UNAVAILABLE. One-shot calls never retry.
   */
  public IrisClient reconnect(Reconnect policy) {
    this.reconnect = java.util.Objects.requireNonNull(policy, "policy");
    return this;
  }

  /** Who hears that {@link #wait} lost the controller and got it back (default: {@link ConnectionListener#LOG}). */
  public IrisClient onConnectionChange(ConnectionListener listener) {
    this.connection = java.util.Objects.requireNonNull(listener, "listener");
    return this;
  }

  Reconnect reconnectPolicy() {
    return reconnect;
  }

  ConnectionListener connectionListener() {
    return connection;
  }

  /** True once the controller answered a call of this client. */
  boolean answeredOnce() {
    return answered;
  }

  void markAnswered() {
    answered = true;
  }

  Vertx vertx() {
    return vertx;
  }

  ControllerService controller() {
    return controller;
  }

  // ---------------------------------------------------------------- jobs

  /**
   * Submits a job. Inside an Iris task (IRIS_JOB_ID set) the job becomes a child of the task's job,
   * {@code {parent}/{name}}, and is killed with it.
   */
  public JobHandle submit(JobRequest request) {
    String parent = JobInfo.fromEnv().map(JobInfo::jobId).orElse("");
    Controller.LaunchJobRequest proto = request.toProto(defaultName(request), parent);
    String id = call(controller.launchJob(proto)).getJobId();
    return new JobHandle(this, id);
  }

  public JobStatus status(String jobId, boolean includeTasks) {
    return call(controller.getJobStatus(Controller.GetJobStatusRequest.newBuilder().setJobId(jobId)
        .setIncludeTasks(includeTasks).build())).getJob();
  }

  /** Jobs, newest first; {@code state} null for any, {@code prefix} empty for all. */
  public List<JobStatus> listJobs(JobState state, String prefix) {
    List<JobStatus> out = new ArrayList<>();
    String token = "";
    do {
      Controller.ListJobsRequest.Builder b = Controller.ListJobsRequest.newBuilder()
          .setNamePrefix(prefix == null ? "" : prefix).setPageSize(1000).setPageToken(token);
      if (state != null) {
        b.setState(state);
      }
      Controller.ListJobsResponse page = call(controller.listJobs(b.build()));
      out.addAll(page.getJobsList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return out;
  }

  /** Kills a job and its child jobs. */
  public void terminate(String jobId) {
    call(controller.terminateJob(Controller.TerminateJobRequest.newBuilder().setJobId(jobId).build()));
  }

  public TaskStatus taskStatus(String jobId, int index) {
    return call(controller.getTaskStatus(Controller.GetTaskStatusRequest.newBuilder().setJobId(jobId)
        .setTaskIndex(index).build())).getTask();
  }

  public List<TaskStatus> listTasks(String jobId) {
    return call(controller.listTasks(Controller.ListTasksRequest.newBuilder().setJobId(jobId).build())).getTasksList();
  }

  /** Log lines of task {@code index} after {@code startMs} (0 = from the start), at most {@code maxLines} (0 = all). */
  public List<Worker.LogEntry> fetchTaskLogs(String jobId, int index, long startMs, int maxLines) {
    return fetchTaskLogs(jobId, index, Worker.FetchLogsFilter.newBuilder().setStartMs(startMs).setMaxLines(maxLines).build());
  }

  public List<Worker.LogEntry> fetchTaskLogs(String jobId, int index, Worker.FetchLogsFilter filter) {
    return call(controller.fetchTaskLogs(Controller.FetchTaskLogsRequest.newBuilder().setJobId(jobId)
        .setTaskIndex(index).setFilter(filter).build())).getLogsList();
  }

  public List<dev.iris.rpc.WorkerHealthStatus> listWorkers() {
    return call(controller.listWorkers(Controller.ListWorkersRequest.getDefaultInstance())).getWorkersList();
  }

  /**
   * Waits until the job finishes, following the controller's event watch (no status polling). With
   * {@code streamLogs}, every task's new lines go to {@code out} as {@code [task-i] line} (or only task
   * {@code streamTaskIndex}'s lines, unprefixed, when it is not null), with a final drain at the end.
   *
   * <p>Rides through a controller restart: when the controller stops answering, the wait tells the {@linkplain
   * #onConnectionChange connection listener} once, retries as {@link #reconnect} says, resumes the watch after
   * the last event it saw and each task's log after the last line it printed (no line twice), and tells the
   * listener when it is back. A controller this client never reached fails the wait at once.
   *
   * @throws JobFailedException when the job ends other than SUCCEEDED
   * @throws IrisException with status DEADLINE_EXCEEDED when {@code timeout} passes first; UNAVAILABLE when
   *     the controller stayed silent longer than the reconnect policy allows
   */
  public JobStatus wait(String jobId, Duration timeout, boolean streamLogs, Integer streamTaskIndex,
      Consumer<String> out) {
    return wait(jobId, timeout, streamLogs, streamTaskIndex, out, null);
  }

  /** As {@link #wait(String, Duration, boolean, Integer, Consumer)}, also telling {@code progress} as tasks change state. */
  public JobStatus wait(String jobId, Duration timeout, boolean streamLogs, Integer streamTaskIndex,
      Consumer<String> out, Consumer<JobStatus> progress) {
    JobWaiter waiter = new JobWaiter(this, jobId, streamLogs, streamTaskIndex, out, progress);
    JobStatus end;
    try {
      end = waiter.start().toCompletionStage().toCompletableFuture()
          .get(timeout == null ? Long.MAX_VALUE : timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      waiter.stop();
      throw new IrisException("DEADLINE_EXCEEDED", "job " + jobId + " did not finish within " + timeout);
    } catch (InterruptedException e) {
      waiter.stop();
      Thread.currentThread().interrupt();
      throw new IrisException("CANCELLED", "interrupted while waiting for job " + jobId);
    } catch (ExecutionException e) {
      throw translate(e.getCause());
    }
    if (end.getState() != JobState.JOB_STATE_SUCCEEDED) {
      throw new JobFailedException(end);
    }
    return end;
  }

  // ---------------------------------------------------------------- endpoints

  /**
   * Publishes {@code name -> address} for the calling task; the name is namespaced by the task's root job
   * ({@code {root}/{name}}) and the endpoint disappears when the task's attempt ends.
   */
  public String registerEndpoint(String name, String address, Map<String, String> metadata) {
    JobInfo me = JobInfo.fromEnv().orElseThrow(() ->
        new IrisException("FAILED_PRECONDITION", "registerEndpoint works inside an Iris task (IRIS_JOB_ID unset)"));
    return call(controller.registerEndpoint(Controller.RegisterEndpointRequest.newBuilder()
        .setName(me.rootJobId() + "/" + name).setAddress(address).setJobId(me.jobId()).setTaskId(me.taskId())
        .setAttemptId(me.attemptId()).putAllMetadata(metadata == null ? Map.of() : metadata).build()))
        .getEndpointId();
  }

  /** Looks up {@code name}: relative to the calling task's root job inside a task, else a full name. */
  public Optional<Controller.Endpoint> lookupEndpoint(String name) {
    String full = JobInfo.fromEnv().map(me -> me.rootJobId() + "/" + name).orElse(name);
    try {
      return Optional.of(call(controller.lookupEndpoint(Controller.LookupEndpointRequest.newBuilder()
          .setName(full).build())).getEndpoint());
    } catch (IrisException e) {
      if ("NOT_FOUND".equals(e.status())) {
        return Optional.empty();
      }
      throw e;
    }
  }

  public List<Controller.Endpoint> listEndpoints(String prefix) {
    return call(controller.listEndpoints(Controller.ListEndpointsRequest.newBuilder()
        .setPrefix(prefix == null ? "" : prefix).build())).getEndpointsList();
  }

  @Override
  public void close() {
    try {
      if (onClose != null) {
        onClose.close();
      }
    } catch (Exception e) {
      throw new IrisException("INTERNAL", "closing: " + e.getMessage());
    } finally {
      grpc.close();
      if (ownsVertx) {
        vertx.close();
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  <T> T call(Future<T> f) {
    try {
      T answer = f.toCompletionStage().toCompletableFuture().get(CALL_TIMEOUT_MS + 5_000, TimeUnit.MILLISECONDS);
      answered = true;
      return answer;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RpcException r && !r.noAnswer()) {
        answered = true; // a refusal is an answer too
      }
      throw translate(e.getCause());
    } catch (TimeoutException e) {
      throw new IrisException("DEADLINE_EXCEEDED", "no answer from the controller at " + address);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IrisException("CANCELLED", "interrupted");
    }
  }

  IrisException translate(Throwable t) {
    if (t instanceof IrisException i) {
      return i;
    }
    if (t instanceof RpcException r) {
      String msg = r.getMessage();
      if (r.status() == io.vertx.grpc.common.GrpcStatus.UNAVAILABLE && !msg.startsWith("cannot reach")) {
        msg = "cannot reach the controller at " + address + " (" + msg + ")";
      }
      return new IrisException(r.status().name(), msg);
    }
    return new IrisException("UNAVAILABLE", "controller at " + address + ": " + t.getMessage());
  }

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  static String defaultName(JobRequest r) {
    return "job-" + LocalDateTime.now().format(STAMP) + "-" + String.format("%04x", RANDOM.nextInt(0x10000));
  }
}
