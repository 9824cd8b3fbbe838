package dev.iris.controller.api;

import dev.iris.common.RpcGuard;
import dev.iris.common.Tls;
import dev.iris.controller.ControllerMetrics;
import dev.iris.controller.EventReplay;
import dev.iris.controller.ProtoMapper;
import dev.iris.controller.StoreClient;
import dev.iris.controller.StoreQuery;
import dev.iris.controller.state.AcceptMark;
import dev.iris.controller.state.ClusterState.AttemptReport;
import dev.iris.controller.state.Mutation;
import dev.iris.controller.state.StoreException;
import dev.iris.controller.state.WorkerRecord;
import dev.iris.core.EndpointRegistry;
import dev.iris.core.JobId;
import dev.iris.core.JobSpec;
import dev.iris.core.JobState;
import dev.iris.core.Quoted;
import dev.iris.core.ValidationException;
import dev.iris.rpc.Controller;
import dev.iris.rpc.ControllerServiceService;
import dev.iris.rpc.Empty;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * The ControllerService handlers, written once and bound to gRPC and to the event bus. Each validates its
 * request ({@link RequestChecks}), turns it into a {@link Mutation} or a {@link StoreQuery} for the state
 * store, and maps the answer to protobuf; FetchTaskLogs is answered by the task's worker through
 * {@link WorkerLogProxy}. Every unary method runs through one {@link RpcGuard}: failures become precise
 * gRPC statuses, and each call's latency is recorded by method and status.
 */
public final class ControllerServiceImpl extends ControllerServiceService {
  public static final int DEFAULT_PAGE_SIZE = 100;
  public static final int MAX_PAGE_SIZE = 1000;
  private final StoreClient store;
  private final long heartbeatIntervalMs;
  private final EventWatch watch;
  private final WorkerLogProxy logs;
  private final RpcGuard rpc;
  private final Tls workerTls;

  /** @param workerTls how workers are called (their logs): over TLS, verified against its CA, or in plaintext */
  public ControllerServiceImpl(Vertx vertx, long heartbeatIntervalMs, ControllerMetrics metrics, Tls workerTls) {
    this.workerTls = workerTls;
    this.rpc = new RpcGuard(metrics::rpc);
    this.store = new StoreClient(vertx);
    this.heartbeatIntervalMs = heartbeatIntervalMs;
    this.watch = new EventWatch(new EventReplay(vertx, store));
    this.logs = new WorkerLogProxy(store, new dev.iris.link.WorkerLinks(vertx, 10_000, workerTls));
  }

  /** How workers are called: what the dashboard's log reader uses too. */
  public Tls workerTls() {
    return workerTls;
  }

  // ---------------------------------------------------------------- jobs

  @Override
  public Future<Controller.LaunchJobResponse> launchJob(Controller.LaunchJobRequest request) {
    return rpc.call("LaunchJob", () -> {
      JobSpec spec = LaunchRequests.toSpec(request);
      byte[] bundle = request.getBundleBlob().isEmpty() ? null : request.getBundleBlob().toByteArray();
      return store.apply(new Mutation.SubmitJob(spec, bundle))
          .map(id -> Controller.LaunchJobResponse.newBuilder().setJobId(id.value()).build());
    });
  }

  @Override
  public Future<Controller.GetJobStatusResponse> getJobStatus(Controller.GetJobStatusRequest request) {
    return rpc.call("GetJobStatus", () -> {
      JobId id = RequestChecks.jobId(request.getJobId());
      return store.read(new StoreQuery.GetJobStatus(id, request.getIncludeTasks()))
          .map(job -> Controller.GetJobStatusResponse.newBuilder().setJob(job).build());
    });
  }

  @Override
  public Future<Empty> terminateJob(Controller.TerminateJobRequest request) {
    return terminate(request.getJobId(), "killed by user").map(Empty.getDefaultInstance());
  }

  /**
   * TerminateJob for every front end (the RPC, the dashboard's kill): checks the job id, kills the job and
   * its descendants with {@code reason} (finished jobs are left as they are), and counts as a TerminateJob
   * call. Completes with the job's state after.
   */
  public Future<JobState> terminate(String jobId, String reason) {
    return rpc.call("TerminateJob",
        () -> store.apply(new Mutation.TerminateJob(RequestChecks.jobId(jobId), reason)));
  }

  @Override
  public Future<Controller.ListJobsResponse> listJobs(Controller.ListJobsRequest request) {
    return rpc.call("ListJobs", () -> {
      RequestChecks.JobsQuery q = RequestChecks.jobsQuery(request);
      return store.read(new StoreQuery.ListJobs(q.state(), q.prefix(), q.offset(), q.pageSize()));
    });
  }

  @Override
  public Future<Controller.GetTaskStatusResponse> getTaskStatus(Controller.GetTaskStatusRequest request) {
    return rpc.call("GetTaskStatus", () -> {
      JobId id = RequestChecks.jobId(request.getJobId());
      int index = request.getTaskIndex();
      return store.read(new StoreQuery.GetTaskStatus(id, index))
          .map(task -> Controller.GetTaskStatusResponse.newBuilder().setTask(task).build());
    });
  }

  @Override
  public Future<Controller.ListTasksResponse> listTasks(Controller.ListTasksRequest request) {
    return rpc.call("ListTasks", () -> {
      JobId id = RequestChecks.jobId(request.getJobId());
      return store.read(new StoreQuery.ListTasks(id))
          .map(tasks -> Controller.ListTasksResponse.newBuilder().addAllTasks(tasks).build());
    });
  }

  // ---------------------------------------------------------------- workers

  @Override
  public Future<Controller.RegisterWorkerResponse> registerWorker(Controller.RegisterWorkerRequest request) {
    return rpc.call("RegisterWorker", () -> {
      WorkerRecord.Registration reg = RegistrationChecks.registration(request);
      AcceptMark mark = RequestChecks.mark(request.getIncarnation(), request.getAcceptedSeq());
      List<AttemptReport> running = RequestChecks.reports(request.getTasksList());
      return store.apply(new Mutation.RegisterWorker(reg, mark, running))
          .map(v -> Controller.RegisterWorkerResponse.newBuilder().setAccepted(true)
              .setHeartbeatIntervalMs(heartbeatIntervalMs).build());
    });
  }

  @Override
  public Future<Controller.HeartbeatResponse> heartbeat(Controller.HeartbeatRequest request) {
    return rpc.call("Heartbeat", () -> {
      String workerId = RegistrationChecks.workerId(request.getWorkerId());
      AcceptMark mark = RequestChecks.mark(request.getIncarnation(), request.getAcceptedSeq());
      List<AttemptReport> attempts = RequestChecks.reports(request.getTasksList());
      return store.apply(new Mutation.Heartbeat(workerId, mark, attempts))
          .map(known -> Controller.HeartbeatResponse.newBuilder().setReregister(!known).build());
    });
  }

  @Override
  public Future<Controller.ListWorkersResponse> listWorkers(Controller.ListWorkersRequest request) {
    return rpc.call("ListWorkers", () -> store.read(new StoreQuery.ListWorkers()).map(workers -> {
      Controller.ListWorkersResponse.Builder b = Controller.ListWorkersResponse.newBuilder();
      workers.workers().forEach(w -> b.addWorkers(w.status()));
      return b.build();
    }));
  }

  @Override
  public Future<Controller.ReportTaskStateResponse> reportTaskState(Controller.ReportTaskStateRequest r) {
    return rpc.call("ReportTaskState", () -> {
      String workerId = RegistrationChecks.workerId(r.getWorkerId());
      AttemptReport report = RequestChecks.report(r);
      return store.apply(new Mutation.ReportTaskStates(workerId, List.of(report)))
          .map(Controller.ReportTaskStateResponse.getDefaultInstance());
    });
  }

  /**
   * Many reports in one call and one store hop. A bad batch (worker id, size) is refused whole; a bad
   * report is refused alone, its reason in its slot of the answer, and the others are applied.
   */
  @Override
  public Future<Controller.ReportTaskStatesResponse> reportTaskStates(Controller.ReportTaskStatesRequest r) {
    return rpc.call("ReportTaskStates", () -> {
      String workerId = RequestChecks.reportBatch(r);
      List<AttemptReport> valid = new ArrayList<>(r.getReportsCount());
      Controller.ReportTaskStatesResponse.Builder answer = Controller.ReportTaskStatesResponse.newBuilder();
      for (Controller.ReportTaskStateRequest report : r.getReportsList()) {
        try {
          valid.add(RequestChecks.batchedReport(workerId, report));
          answer.addErrors("");
        } catch (ValidationException e) {
          answer.addErrors(e.getMessage());
        }
      }
      Controller.ReportTaskStatesResponse response = answer.build();
      if (valid.isEmpty()) {
        return Future.succeededFuture(response);
      }
      return store.apply(new Mutation.ReportTaskStates(workerId, valid)).map(response);
    });
  }

  @Override
  public Future<Controller.GetBundleResponse> getBundle(Controller.GetBundleRequest request) {
    return rpc.call("GetBundle", () -> {
      String hash = RequestChecks.bundleHash(request.getBundleHash());
      return store.read(new StoreQuery.GetBundle(hash))
          .map(blob -> Controller.GetBundleResponse.newBuilder().setBundleBlob(blob).build());
    });
  }

  @Override
  public Future<dev.iris.rpc.Worker.FetchTaskLogsResponse> fetchTaskLogs(Controller.FetchTaskLogsRequest request) {
    return rpc.call("FetchTaskLogs", () -> logs.fetch(request));
  }

  // ---------------------------------------------------------------- endpoints

  @Override
  public Future<Controller.RegisterEndpointResponse> registerEndpoint(Controller.RegisterEndpointRequest r) {
    return rpc.call("RegisterEndpoint", () -> {
      RegistrationChecks.EndpointRegistration ep = RegistrationChecks.endpoint(r);
      return store.apply(new Mutation.RegisterEndpoint(ep.name(), ep.address(), ep.job(), ep.task(),
              ep.attemptId(), ep.metadata()))
          .map(e -> Controller.RegisterEndpointResponse.newBuilder().setEndpointId(e.id()).build());
    });
  }

  @Override
  public Future<Empty> unregisterEndpoint(Controller.UnregisterEndpointRequest request) {
    return rpc.call("UnregisterEndpoint", () -> {
      String id = request.getEndpointId();
      return store.apply(new Mutation.UnregisterEndpoint(id)).compose(removed -> removed
          ? Future.succeededFuture(Empty.getDefaultInstance())
          : Future.failedFuture(StoreException.notFound("endpoint " + Quoted.of(id) + " not found")));
    });
  }

  @Override
  public Future<Controller.LookupEndpointResponse> lookupEndpoint(Controller.LookupEndpointRequest request) {
    return rpc.call("LookupEndpoint", () -> {
      EndpointRegistry.validateName(request.getName());
      return store.read(new StoreQuery.LookupEndpoint(request.getName()))
          .map(e -> Controller.LookupEndpointResponse.newBuilder().setEndpoint(ProtoMapper.endpoint(e)).build());
    });
  }

  @Override
  public Future<Controller.ListEndpointsResponse> listEndpoints(Controller.ListEndpointsRequest request) {
    return rpc.call("ListEndpoints", () -> store.read(new StoreQuery.ListEndpoints(
            RegistrationChecks.endpointPrefix(request.getPrefix())))
        .map(list -> {
          Controller.ListEndpointsResponse.Builder b = Controller.ListEndpointsResponse.newBuilder();
          list.endpoints().forEach(e -> b.addEndpoints(ProtoMapper.endpoint(e)));
          return b.build();
        }));
  }

  // ---------------------------------------------------------------- events

  @Override
  protected void watchEvents(Controller.WatchEventsRequest request,
      io.vertx.core.streams.WriteStream<dev.iris.rpc.ClusterEvent> response) {
    watch.start(request, response);
  }
}
