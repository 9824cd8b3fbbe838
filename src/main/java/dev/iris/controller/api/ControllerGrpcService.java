package dev.iris.controller.api;

import com.google.protobuf.Descriptors;
import dev.iris.common.GrpcUnary;
import dev.iris.common.RpcErrors;
import dev.iris.core.auth.Caller;
import dev.iris.rpc.ControllerServiceGrpcService;
import io.vertx.core.Future;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.Service;
import io.vertx.grpc.server.StatusException;
import java.util.function.BiFunction;

/**
 * {@code ControllerService} over gRPC: each call's {@code authorization} header is turned into a
 * {@link Caller} ({@link dev.iris.controller.ControllerAuth#authenticate}) before its request is read, and the
 * method is handed that caller. A call without a valid credential is answered UNAUTHENTICATED with one line
 * and never reaches a handler.
 */
final class ControllerGrpcService implements Service {
  private final ControllerServiceImpl api;

  ControllerGrpcService(ControllerServiceImpl api) {
    this.api = api;
  }

  @Override
  public ServiceName name() {
    return ControllerServiceGrpcService.SERVICE_NAME;
  }

  @Override
  public Descriptors.ServiceDescriptor descriptor() {
    return ControllerServiceGrpcService.SERVICE_DESCRIPTOR;
  }

  @Override
  public void bind(GrpcServer server) {
    unary(server, ControllerServiceGrpcService.LaunchJob, api::launchJob);
    unary(server, ControllerServiceGrpcService.GetJobStatus, api::getJobStatus);
    unary(server, ControllerServiceGrpcService.TerminateJob, api::terminateJob);
    unary(server, ControllerServiceGrpcService.ListJobs, api::listJobs);
    unary(server, ControllerServiceGrpcService.GetTaskStatus, api::getTaskStatus);
    unary(server, ControllerServiceGrpcService.ListTasks, api::listTasks);
    unary(server, ControllerServiceGrpcService.RegisterWorker, api::registerWorker);
    unary(server, ControllerServiceGrpcService.Heartbeat, api::heartbeat);
    unary(server, ControllerServiceGrpcService.ListWorkers, api::listWorkers);
    unary(server, ControllerServiceGrpcService.ReportTaskState, api::reportTaskState);
    unary(server, ControllerServiceGrpcService.ReportTaskStates, api::reportTaskStates);
    unary(server, ControllerServiceGrpcService.GetBundle, api::getBundle);
    unary(server, ControllerServiceGrpcService.FetchTaskLogs, api::fetchTaskLogs);
    unary(server, ControllerServiceGrpcService.RegisterEndpoint, api::registerEndpoint);
    unary(server, ControllerServiceGrpcService.UnregisterEndpoint, api::unregisterEndpoint);
    unary(server, ControllerServiceGrpcService.LookupEndpoint, api::lookupEndpoint);
    unary(server, ControllerServiceGrpcService.ListEndpoints, api::listEndpoints);
    server.callHandler(ControllerServiceGrpcService.WatchEvents, request -> {
      Caller caller = authenticated(request);
      if (caller != null) {
        request.handler(message -> api.watchEvents(caller, message, request.response())
            .onFailure(t -> refuse(request, t)));
      }
    });
  }

  private <Req, Resp> void unary(GrpcServer server, ServiceMethod<Req, Resp> method,
      BiFunction<Caller, Req, Future<Resp>> handler) {
    server.callHandler(method, request -> {
      Caller caller = authenticated(request);
      if (caller != null) {
        request.handler(message -> handler.apply(caller, message)
            .onSuccess(answer -> request.response().end(answer))
            .onFailure(t -> refuse(request, t)));
      }
    });
  }

  /** The caller of {@code request}, or null once it has been answered UNAUTHENTICATED. */
  private Caller authenticated(GrpcServerRequest<?, ?> request) {
    try {
      return api.auth().authenticate(request.headers().get(GrpcUnary.AUTHORIZATION));
    } catch (RuntimeException e) {
      refuse(request, e);
      return null;
    }
  }

  private static void refuse(GrpcServerRequest<?, ?> request, Throwable t) {
    StatusException status = RpcErrors.toStatus(t);
    request.response().status(status.status()).statusMessage(status.message()).end();
  }
}
