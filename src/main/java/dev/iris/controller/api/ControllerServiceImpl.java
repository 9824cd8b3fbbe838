package dev.iris.controller.api;

import dev.iris.common.RpcGuard;
import dev.iris.controller.ControllerAuth;
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
import dev.iris.core.Refusal;
import dev.iris.core.ValidationException;
import dev.iris.core.auth.Access;
import dev.iris.core.auth.Access.Permission;
import dev.iris.core.auth.Caller;
import dev.iris.core.auth.NotAuthenticated;
import dev.iris.core.auth.Role;
import dev.iris.rpc.Controller;
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
 *
 * <p>Every method is told its {@link Caller} (whoever the front end authenticated) and asks {@link Access}
 * before it reads or changes anything: a user kills only its own jobs, a viewer reads only, a worker speaks
 * only for the worker id it registered, a task acts only within its job, and only while that job runs.
 */
public final class ControllerServiceImpl {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ControllerServiceImpl.class);
  public static final int DEFAULT_PAGE_SIZE = 100;
  public static final int MAX_PAGE_SIZE = 1000;
  private final StoreClient store;
  private final long heartbeatIntervalMs;
  private final dev.iris.core.Lease lease;
  private final EventWatch watch;
  private final WorkerLogProxy logs;
  private final RpcGuard rpc;
  private final ControllerAuth auth;
  private final Tls workerTls;

  /**
   * @param auth who may call ({@link ControllerAuth#none()}: everyone, as an admin)
   * @param workerTls how workers are called (their logs): over TLS, verified against its CA, or in plaintext
   */
  public ControllerServiceImpl(Vertx vertx, long heartbeatIntervalMs, ControllerMetrics metrics, ControllerAuth auth,
      Tls workerTls) {
    this(vertx, heartbeatIntervalMs, dev.iris.core.Lease.NONE, metrics, auth, workerTls);
  }

  /**
   * @param lease what every acknowledged registration and heartbeat grants the worker (the store's
   *     {@link dev.iris.controller.state.StoreConfig#lease}): it fences its attempts when it cannot renew it
   */
  public ControllerServiceImpl(Vertx vertx, long heartbeatIntervalMs, dev.iris.core.Lease lease,
      ControllerMetrics metrics, ControllerAuth auth, Tls workerTls) {
    this.lease = lease;
    this.auth = auth;
    this.workerTls = workerTls;
    this.rpc = new RpcGuard(metrics::rpc);
    this.store = new StoreClient(vertx);
    this.heartbeatIntervalMs = heartbeatIntervalMs;
    this.watch = new EventWatch(new EventReplay(vertx, store));
    this.logs = new WorkerLogProxy(store, workerLinks(vertx, 10_000));
  }

  /**
   * Links to workers whose calls bear each worker's token, over TLS when the controller calls workers so; the
   * dashboard reads logs through them too.
   */
  public dev.iris.link.WorkerLinks workerLinks(Vertx vertx, long timeoutMs) {
    return new dev.iris.link.WorkerLinks(vertx, timeoutMs, auth::workerToken, workerTls);
  }

  /** The controller's authentication (the front ends ask it who calls). */
  public ControllerAuth auth() {
    return auth;
  }

  // ---------------------------------------------------------------- callers

  /**
   * Runs {@code handler} as the call of {@code method} once {@code caller}'s credential proved still good
   * ({@link #current}): a credential that is not is refused UNAUTHENTICATED whatever the call, before any
   * permission is asked.
   */
  private <T> Future<T> call(String method, Caller caller, java.util.function.Supplier<Future<T>> handler) {
    return rpc.call(method, () -> current(caller).compose(v -> handler.get()));
  }

  /**
   * Completes when {@code caller}'s credential is still good: a task token is good while its job has not
   * finished and is still the job of the user it was minted for (a job id another user took over later is
   * another job). Every other caller was settled by the front end.
   */
  private Future<Void> current(Caller caller) {
    if (caller.role() != Role.TASK) {
      return Future.succeededFuture();
    }
    return store.read(new StoreQuery.GetJobStatus(caller.scope(), false)).transform(ar -> {
      boolean running = ar.succeeded() && caller.user().equals(ar.result().getUser())
          && !dev.iris.common.ProtoStates.toDomain(ar.result().getState()).map(JobState::isTerminal).orElse(true);
      return running ? Future.succeededFuture() : Future.failedFuture(new NotAuthenticated("the task token of job '"
          + caller.scope().value() + "' has expired: the job has finished"));
    });
  }

  /** Completes when {@code caller} may take {@code action} on {@code job}, reading its owner if that decides. */
  private Future<Void> mayOnJob(Caller caller, Permission action, JobId job) {
    if (Access.allows(caller, action, job, null)) {
      return Future.succeededFuture();
    }
    if (caller.role() != Role.USER) {
      Access.require(caller, action, job, null); // refused without looking further
    }
    return store.read(new StoreQuery.GetJobStatus(job, false)).map(owned -> {
      Access.require(caller, action, job, owned.getUser());
      return null;
    });
  }

  /** {@code job} as {@code caller} may see it: the values of its variables only for its owner and admins. */
  public JobStatusView redacted(Caller caller) {
    return job -> Access.allows(caller, Permission.SEE_ENV, JobId.of(job.getJobId()), job.getUser()) ? job
        : Redaction.withoutEnvValues(job);
  }

  /** How one caller sees job statuses (see {@link #redacted}). */
  @FunctionalInterface
  public interface JobStatusView {
    dev.iris.rpc.JobStatus apply(dev.iris.rpc.JobStatus job);
  }

  // ---------------------------------------------------------------- jobs

  public Future<Controller.LaunchJobResponse> launchJob(Caller caller, Controller.LaunchJobRequest request) {
    return call("LaunchJob", caller, () -> {
      JobSpec spec = LaunchRequests.toSpec(request, caller.user());
      byte[] bundle = request.getBundleBlob().isEmpty() ? null : request.getBundleBlob().toByteArray();
      return mayOnJob(caller, Permission.SUBMIT_JOB, spec.id().parent())
          .compose(v -> store.apply(new Mutation.SubmitJob(spec, bundle, caller)))
          .map(id -> Controller.LaunchJobResponse.newBuilder().setJobId(id.value()).build());
    });
  }

  public Future<Controller.GetJobStatusResponse> getJobStatus(Caller caller, Controller.GetJobStatusRequest request) {
    return call("GetJobStatus", caller, () -> {
      JobId id = RequestChecks.jobId(request.getJobId());
      Access.require(caller, Permission.READ_JOB, id, null);
      JobStatusView view = redacted(caller);
      return store.read(new StoreQuery.GetJobStatus(id, request.getIncludeTasks()))
          .map(job -> Controller.GetJobStatusResponse.newBuilder().setJob(view.apply(job)).build());
    });
  }

  public Future<Empty> terminateJob(Caller caller, Controller.TerminateJobRequest request) {
    return terminate(caller, request.getJobId(), "killed by user").map(Empty.getDefaultInstance());
  }

  /**
   * TerminateJob for every front end (the RPC, the dashboard's kill): checks the job id and that the caller
   * may change the job, kills the job and its descendants with {@code reason} (finished jobs are left as they
   * are), and counts as a TerminateJob call. Completes with the job's state after.
   */
  public Future<JobState> terminate(Caller caller, String jobId, String reason) {
    return call("TerminateJob", caller, () -> {
      JobId id = RequestChecks.jobId(jobId);
      return mayOnJob(caller, Permission.CHANGE_JOB, id)
          .compose(v -> store.apply(new Mutation.TerminateJob(id, reason)));
    });
  }

  public Future<Controller.ListJobsResponse> listJobs(Caller caller, Controller.ListJobsRequest request) {
    return call("ListJobs", caller, () -> {
      Access.require(caller, Permission.READ_CLUSTER);
      RequestChecks.JobsQuery q = RequestChecks.jobsQuery(request);
      JobStatusView view = redacted(caller);
      return store.read(new StoreQuery.ListJobs(q.state(), q.prefix(), q.offset(), q.pageSize()))
          .map(page -> {
            Controller.ListJobsResponse.Builder b = page.toBuilder().clearJobs();
            page.getJobsList().forEach(j -> b.addJobs(view.apply(j)));
            return b.build();
          });
    });
  }

  public Future<Controller.GetTaskStatusResponse> getTaskStatus(Caller caller, Controller.GetTaskStatusRequest request) {
    return call("GetTaskStatus", caller, () -> {
      JobId id = RequestChecks.jobId(request.getJobId());
      Access.require(caller, Permission.READ_JOB, id, null);
      int index = request.getTaskIndex();
      return store.read(new StoreQuery.GetTaskStatus(id, index))
          .map(task -> Controller.GetTaskStatusResponse.newBuilder().setTask(task).build());
    });
  }

  public Future<Controller.ListTasksResponse> listTasks(Caller caller, Controller.ListTasksRequest request) {
    return call("ListTasks", caller, () -> {
      JobId id = RequestChecks.jobId(request.getJobId());
      Access.require(caller, Permission.READ_JOB, id, null);
      return store.read(new StoreQuery.ListTasks(id))
          .map(tasks -> Controller.ListTasksResponse.newBuilder().addAllTasks(tasks).build());
    });
  }

  // ---------------------------------------------------------------- workers

  /**
   * Registers a worker: only a worker (or admin) token may, and only for a worker id that the same token
   * registered before or no one has (an admin may register any). The answer carries the token this
   * controller's calls to that worker, at that address, will bear ({@link ControllerAuth#workerToken}), so
   * that the worker takes work from no one else: not from another worker, which was handed another token.
   */
  public Future<Controller.RegisterWorkerResponse> registerWorker(Caller caller,
      Controller.RegisterWorkerRequest request) {
    return call("RegisterWorker", caller, () -> {
      Access.require(caller, Permission.ACT_AS_WORKER);
      WorkerRecord.Registration reg = RegistrationChecks.registration(request);
      AcceptMark mark = RequestChecks.mark(request.getIncarnation(), request.getAcceptedSeq());
      List<AttemptReport> running = RequestChecks.reports(request.getTasksList());
      return store.apply(new Mutation.RegisterWorker(reg, mark, running, caller))
          .onFailure(e -> {
            if (e instanceof Refusal r && r.code() == Refusal.Code.ALREADY_EXISTS) {
              LOG.warn("refused a registration: {}", e.getMessage()); // two workers with one id: a misconfiguration
            }
          })
          .map(v -> Controller.RegisterWorkerResponse.newBuilder().setAccepted(true)
              .setHeartbeatIntervalMs(heartbeatIntervalMs).setLeaseMs(lease.lengthMs())
              .setControllerToken(auth.workerToken(reg.workerId(), reg.address())).build());
    });
  }

  public Future<Controller.HeartbeatResponse> heartbeat(Caller caller, Controller.HeartbeatRequest request) {
    return call("Heartbeat", caller, () -> {
      Access.require(caller, Permission.ACT_AS_WORKER);
      String workerId = RegistrationChecks.workerId(request.getWorkerId());
      AcceptMark mark = RequestChecks.mark(request.getIncarnation(), request.getAcceptedSeq());
      List<AttemptReport> attempts = RequestChecks.reports(request.getTasksList());
      return store.apply(new Mutation.Heartbeat(workerId, mark, attempts, caller))
          // a worker the controller does not know (declared lost) holds no lease until it registered again
          .map(known -> Controller.HeartbeatResponse.newBuilder().setReregister(!known)
              .setLeaseMs(known ? lease.lengthMs() : 0).build());
    });
  }

  public Future<Controller.ListWorkersResponse> listWorkers(Caller caller, Controller.ListWorkersRequest request) {
    return call("ListWorkers", caller, () -> {
      Access.require(caller, Permission.READ_CLUSTER);
      return store.read(new StoreQuery.ListWorkers()).map(workers -> {
        Controller.ListWorkersResponse.Builder b = Controller.ListWorkersResponse.newBuilder();
        workers.workers().forEach(w -> b.addWorkers(w.status()));
        return b.build();
      });
    });
  }

  public Future<Controller.ReportTaskStateResponse> reportTaskState(Caller caller, Controller.ReportTaskStateRequest r) {
    return call("ReportTaskState", caller, () -> {
      Access.require(caller, Permission.ACT_AS_WORKER);
      String workerId = RegistrationChecks.workerId(r.getWorkerId());
      AttemptReport report = RequestChecks.report(r);
      return store.apply(new Mutation.ReportTaskStates(workerId, List.of(report), caller))
          .map(Controller.ReportTaskStateResponse.getDefaultInstance());
    });
  }

  /**
   * Many reports in one call and one store hop. A bad batch (worker id, size) is refused whole; a bad
   * report is refused alone, its reason in its slot of the answer, and the others are applied.
   */
  public Future<Controller.ReportTaskStatesResponse> reportTaskStates(Caller caller,
      Controller.ReportTaskStatesRequest r) {
    return call("ReportTaskStates", caller, () -> {
      Access.require(caller, Permission.ACT_AS_WORKER);
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
      return store.apply(new Mutation.ReportTaskStates(workerId, valid, caller)).map(response);
    });
  }

  public Future<Controller.GetBundleResponse> getBundle(Caller caller, Controller.GetBundleRequest request) {
    return call("GetBundle", caller, () -> {
      Access.require(caller, Permission.ACT_AS_WORKER);
      String hash = RequestChecks.bundleHash(request.getBundleHash());
      return store.read(new StoreQuery.GetBundle(hash))
          .map(blob -> Controller.GetBundleResponse.newBuilder().setBundleBlob(blob).build());
    });
  }

  public Future<dev.iris.rpc.Worker.FetchTaskLogsResponse> fetchTaskLogs(Caller caller,
      Controller.FetchTaskLogsRequest request) {
    return call("FetchTaskLogs", caller, () -> {
      JobId id = RequestChecks.jobId(request.getJobId());
      Access.require(caller, Permission.READ_JOB, id, null);
      return logs.fetch(request);
    });
  }

  // ---------------------------------------------------------------- endpoints

  public Future<Controller.RegisterEndpointResponse> registerEndpoint(Caller caller,
      Controller.RegisterEndpointRequest r) {
    return call("RegisterEndpoint", caller, () -> {
      RegistrationChecks.EndpointRegistration ep = RegistrationChecks.endpoint(r);
      return mayOnJob(caller, Permission.CHANGE_JOB, ep.job())
          .compose(v -> store.apply(new Mutation.RegisterEndpoint(ep.name(), ep.address(), ep.job(), ep.task(),
              ep.attemptId(), ep.metadata())))
          .map(e -> Controller.RegisterEndpointResponse.newBuilder().setEndpointId(e.id()).build());
    });
  }

  public Future<Empty> unregisterEndpoint(Caller caller, Controller.UnregisterEndpointRequest request) {
    return call("UnregisterEndpoint", caller, () -> {
      String id = request.getEndpointId();
      if (!Access.mayEver(caller, Permission.CHANGE_JOB)) { // refused before looking: whether id exists stays unsaid
        throw new dev.iris.core.auth.AccessDenied(caller.describe() + " may not remove endpoints");
      }
      Future<Void> allowed = caller.role() == Role.ADMIN ? Future.succeededFuture()
          : store.read(new StoreQuery.ListEndpoints("")).compose(list -> list.endpoints().stream()
              .filter(e -> e.id().equals(id)).findFirst()
              .map(e -> mayOnJob(caller, Permission.CHANGE_JOB, e.job()))
              .orElseGet(Future::succeededFuture)); // unknown: answered NOT_FOUND below
      return allowed.compose(v -> store.apply(new Mutation.UnregisterEndpoint(id))).compose(removed -> removed
          ? Future.succeededFuture(Empty.getDefaultInstance())
          : Future.failedFuture(StoreException.notFound("endpoint " + Quoted.of(id) + " not found")));
    });
  }

  public Future<Controller.LookupEndpointResponse> lookupEndpoint(Caller caller,
      Controller.LookupEndpointRequest request) {
    return call("LookupEndpoint", caller, () -> {
      Access.require(caller, Permission.LOOKUP_ENDPOINTS);
      EndpointRegistry.validateName(request.getName());
      return store.read(new StoreQuery.LookupEndpoint(request.getName()))
          .map(e -> Controller.LookupEndpointResponse.newBuilder().setEndpoint(ProtoMapper.endpoint(e)).build());
    });
  }

  public Future<Controller.ListEndpointsResponse> listEndpoints(Caller caller,
      Controller.ListEndpointsRequest request) {
    return call("ListEndpoints", caller, () -> {
      Access.require(caller, Permission.LOOKUP_ENDPOINTS);
      String prefix = RegistrationChecks.endpointPrefix(request.getPrefix());
      return store.read(new StoreQuery.ListEndpoints(prefix))
          .map(list -> {
            Controller.ListEndpointsResponse.Builder b = Controller.ListEndpointsResponse.newBuilder();
            list.endpoints().forEach(e -> b.addEndpoints(ProtoMapper.endpoint(e)));
            return b.build();
          });
    });
  }

  // ---------------------------------------------------------------- events

  /**
   * Streams events to {@code response}, once the caller may read them: a job's events (and its tasks'),
   * or with no job every event. A refusal fails the returned future before anything is streamed.
   */
  public Future<Void> watchEvents(Caller caller, Controller.WatchEventsRequest request,
      io.vertx.core.streams.WriteStream<dev.iris.rpc.ClusterEvent> response) {
    return call("WatchEvents", caller, () -> {
      if (request.getJobId().isEmpty()) {
        Access.require(caller, Permission.READ_CLUSTER);
        return Future.<Void>succeededFuture();
      }
      JobId id;
      try {
        id = JobId.of(request.getJobId());
      } catch (IllegalArgumentException bad) { // EventWatch says why, as the stream's status
        return caller.role() == Role.TASK ? Future.<Void>failedFuture(bad) : Future.<Void>succeededFuture();
      }
      Access.require(caller, Permission.READ_JOB, id, null);
      return Future.<Void>succeededFuture();
    }).onSuccess(v -> watch.start(request, response));
  }
}
