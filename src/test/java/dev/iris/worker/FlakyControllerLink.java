package dev.iris.worker;

import dev.iris.common.RpcException;
import dev.iris.rpc.Controller;
import dev.iris.rpc.ControllerService;
import io.vertx.core.Future;
import io.vertx.grpc.common.GrpcStatus;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A link to a real controller whose first {@code n} report calls (single or batched) fail as if the
 * controller were unreachable; {@link #failedReports} and {@link #deliveredReports} count the reports carried.
 */
final class FlakyControllerLink extends ForwardingController {
  final AtomicInteger reportsToFail;
  final AtomicInteger failedReports = new AtomicInteger();
  final AtomicInteger deliveredReports = new AtomicInteger();

  FlakyControllerLink(ControllerService delegate, int failFirstReports) {
    super(delegate);
    this.reportsToFail = new AtomicInteger(failFirstReports);
  }

  @Override
  public Future<Controller.ReportTaskStateResponse> reportTaskState(Controller.ReportTaskStateRequest request) {
    if (reportsToFail.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      failedReports.incrementAndGet();
      return Future.failedFuture(new RpcException(GrpcStatus.UNAVAILABLE, "controller unreachable (test)"));
    }
    return super.reportTaskState(request).onSuccess(r -> deliveredReports.incrementAndGet());
  }

  @Override
  public Future<Controller.ReportTaskStatesResponse> reportTaskStates(Controller.ReportTaskStatesRequest request) {
    if (reportsToFail.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      failedReports.addAndGet(request.getReportsCount());
      return Future.failedFuture(new RpcException(GrpcStatus.UNAVAILABLE, "controller unreachable (test)"));
    }
    return super.reportTaskStates(request).onSuccess(r -> deliveredReports.addAndGet(request.getReportsCount()));
  }
}
