package dev.iris.worker;

import com.google.protobuf.ByteString;
import dev.iris.common.RpcException;
import dev.iris.rpc.ClusterEvent;
import dev.iris.rpc.Controller;
import dev.iris.rpc.ControllerService;
import dev.iris.rpc.Empty;
import dev.iris.rpc.TaskState;
import io.vertx.core.Future;
import io.vertx.core.streams.ReadStream;
import io.vertx.grpc.common.GrpcStatus;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A controller for worker tests: accepts registrations, heartbeats and reports (single or batched) and
 * records them; serves bundles put into {@link #bundles}; can refuse the first report calls as if it were
 * unreachable: {@link #reportsToRefuse} counts calls, {@link #refusedReports} the reports they carried.
 */
final class StubController implements ControllerService {
  final List<Controller.RegisterWorkerRequest> registrations = new CopyOnWriteArrayList<>();
  final List<Controller.HeartbeatRequest> heartbeats = new CopyOnWriteArrayList<>();
  final List<Controller.ReportTaskStateRequest> reports = new CopyOnWriteArrayList<>();
  final Map<String, byte[]> bundles = new ConcurrentHashMap<>();
  final AtomicInteger reportsToRefuse = new AtomicInteger();
  final AtomicInteger refusedReports = new AtomicInteger();
  /** How refused reports are refused: UNAVAILABLE (retry) unless a test says otherwise. */
  final java.util.concurrent.atomic.AtomicReference<GrpcStatus> refusal =
      new java.util.concurrent.atomic.AtomicReference<>(GrpcStatus.UNAVAILABLE);
  final java.util.concurrent.atomic.AtomicBoolean reregisterNext = new java.util.concurrent.atomic.AtomicBoolean();
  volatile long heartbeatIntervalMs = 100;
  volatile boolean heartbeatsUnanswered;
  /** The lease each answered registration and heartbeat grants (0: none, as an older controller). */
  volatile long leaseMs;
  /** The link is cut: registrations, heartbeats and reports fail as if the controller could not be reached. */
  volatile boolean cut;

  private static <T> Future<T> unreachable() {
    return Future.failedFuture(RpcException.unreachable("cannot reach the controller (cut, test)"));
  }

  /** The states reported for one attempt, in order. */
  List<TaskState> states(String taskId, int attemptId) {
    return reports.stream().filter(r -> r.getTaskId().equals(taskId) && r.getAttemptId() == attemptId)
        .map(Controller.ReportTaskStateRequest::getState).toList();
  }

  /** The last report of one attempt, or null. */
  Controller.ReportTaskStateRequest last(String taskId, int attemptId) {
    Controller.ReportTaskStateRequest last = null;
    for (Controller.ReportTaskStateRequest r : reports) {
      if (r.getTaskId().equals(taskId) && r.getAttemptId() == attemptId) {
        last = r;
      }
    }
    return last;
  }

  @Override
  public Future<Controller.RegisterWorkerResponse> registerWorker(Controller.RegisterWorkerRequest request) {
    if (cut) {
      return unreachable();
    }
    registrations.add(request);
    return Future.succeededFuture(Controller.RegisterWorkerResponse.newBuilder().setAccepted(true)
        .setHeartbeatIntervalMs(heartbeatIntervalMs).setLeaseMs(leaseMs).build());
  }

  @Override
  public Future<Controller.HeartbeatResponse> heartbeat(Controller.HeartbeatRequest request) {
    if (cut) {
      return unreachable();
    }
    heartbeats.add(request);
    if (heartbeatsUnanswered) {
      return io.vertx.core.Promise.<Controller.HeartbeatResponse>promise().future(); // a controller too busy to answer
    }
    boolean reregister = reregisterNext.getAndSet(false);
    return Future.succeededFuture(Controller.HeartbeatResponse.newBuilder()
        .setReregister(reregister).setLeaseMs(reregister ? 0 : leaseMs).build());
  }

  @Override
  public Future<Controller.ReportTaskStateResponse> reportTaskState(Controller.ReportTaskStateRequest request) {
    if (cut) {
      return unreachable();
    }
    if (reportsToRefuse.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      refusedReports.incrementAndGet();
      return Future.failedFuture(new RpcException(refusal.get(), "report refused (test)"));
    }
    reports.add(request);
    return Future.succeededFuture(Controller.ReportTaskStateResponse.getDefaultInstance());
  }

  @Override
  public Future<Controller.ReportTaskStatesResponse> reportTaskStates(Controller.ReportTaskStatesRequest request) {
    if (cut) {
      return unreachable();
    }
    if (reportsToRefuse.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      refusedReports.addAndGet(request.getReportsCount());
      return Future.failedFuture(new RpcException(refusal.get(), "reports refused (test)"));
    }
    Controller.ReportTaskStatesResponse.Builder answer = Controller.ReportTaskStatesResponse.newBuilder();
    for (Controller.ReportTaskStateRequest r : request.getReportsList()) {
      reports.add(r.getWorkerId().isEmpty() ? r.toBuilder().setWorkerId(request.getWorkerId()).build() : r);
      answer.addErrors("");
    }
    return Future.succeededFuture(answer.build());
  }

  @Override
  public Future<dev.iris.rpc.Worker.FetchTaskLogsResponse> fetchTaskLogs(Controller.FetchTaskLogsRequest request) {
    return Future.failedFuture(new RpcException(GrpcStatus.UNIMPLEMENTED, "not in the stub"));
  }

  @Override
  public Future<Controller.GetBundleResponse> getBundle(Controller.GetBundleRequest request) {
    byte[] zip = bundles.get(request.getBundleHash());
    return zip == null ? Future.failedFuture(new RpcException(GrpcStatus.NOT_FOUND, "no such bundle"))
        : Future.succeededFuture(Controller.GetBundleResponse.newBuilder().setBundleBlob(ByteString.copyFrom(zip)).build());
  }

  private static <T> Future<T> unused() {
    return Future.failedFuture(new RpcException(GrpcStatus.UNIMPLEMENTED, "not in the stub"));
  }

  @Override
  public Future<Controller.LaunchJobResponse> launchJob(Controller.LaunchJobRequest request) {
    return unused();
  }

  @Override
  public Future<Controller.GetJobStatusResponse> getJobStatus(Controller.GetJobStatusRequest request) {
    return unused();
  }

  @Override
  public Future<Empty> terminateJob(Controller.TerminateJobRequest request) {
    return unused();
  }

  @Override
  public Future<Controller.ListJobsResponse> listJobs(Controller.ListJobsRequest request) {
    return unused();
  }

  @Override
  public Future<Controller.GetTaskStatusResponse> getTaskStatus(Controller.GetTaskStatusRequest request) {
    return unused();
  }

  @Override
  public Future<Controller.ListTasksResponse> listTasks(Controller.ListTasksRequest request) {
    return unused();
  }

  @Override
  public Future<Controller.ListWorkersResponse> listWorkers(Controller.ListWorkersRequest request) {
    return unused();
  }

  @Override
  public Future<Controller.RegisterEndpointResponse> registerEndpoint(Controller.RegisterEndpointRequest request) {
    return unused();
  }

  @Override
  public Future<Empty> unregisterEndpoint(Controller.UnregisterEndpointRequest request) {
    return unused();
  }

  @Override
  public Future<Controller.LookupEndpointResponse> lookupEndpoint(Controller.LookupEndpointRequest request) {
    return unused();
  }

  @Override
  public Future<Controller.ListEndpointsResponse> listEndpoints(Controller.ListEndpointsRequest request) {
    return unused();
  }

  @Override
  public Future<ReadStream<ClusterEvent>> watchEvents(Controller.WatchEventsRequest request) {
    return unused();
  }
}
