package dev.iris.worker;

import dev.iris.common.RpcErrors;
import dev.iris.common.RpcException;
import dev.iris.rpc.Controller;
import dev.iris.rpc.ControllerService;
import dev.iris.worker.attempt.AttemptKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the attempts' state reports to the controller, many per call (ReportTaskStates), so that a
 * burst of short tasks costs a few calls rather than several per task. Used on the worker verticle's
 * context. The contract:
 * <ul>
 *   <li>Per attempt, only the newest report not yet sent is kept: a RUNNING report still waiting is
 *       replaced by the terminal one.
 *   <li>One batch is in flight at a time, with at most one report per attempt and at most
 *       {@link #MAX_BATCH} reports, so an attempt never has two reports in flight and the controller sees
 *       its states in order. With nothing in flight a report goes at once (no delay when idle); while a
 *       batch is in flight reports accumulate and go as the next batch when it is answered.
 *   <li>A batch that fails with a transient status is sent again after an exponential, jittered backoff
 *       ({@link #FIRST_BACKOFF_MS} doubling to {@link #MAX_BACKOFF_MS}, half to all of it; nothing is sent meanwhile); each of
 *       its reports waits again unless a newer report of its attempt already waits, which wins.
 *   <li>A report the controller refuses (an error in its slot of the answer, or a whole call refused with
 *       a status a retry cannot fix) is logged and dropped; the heartbeat carries the state anyway.
 *   <li>A controller without ReportTaskStates (it answers UNIMPLEMENTED) gets one ReportTaskState call per
 *       report, all of a batch at once, from then on; the batch still settles as a whole.
 *   <li>An attempt {@link #isPending is pending} from {@link #report} until its latest report is
 *       acknowledged or refused; then the {@link Settled} listener hears of it.
 * </ul>
 */
final class StateReporter {
  private static final Logger log = LoggerFactory.getLogger(StateReporter.class);
  static final long FIRST_BACKOFF_MS = 100;
  static final long MAX_BACKOFF_MS = 5_000;
  static final int MAX_BATCH = 500;
  private static final Set<GrpcStatus> TRANSIENT = Set.of(GrpcStatus.UNAVAILABLE, GrpcStatus.DEADLINE_EXCEEDED,
      GrpcStatus.INTERNAL, GrpcStatus.UNKNOWN, GrpcStatus.RESOURCE_EXHAUSTED, GrpcStatus.ABORTED,
      GrpcStatus.CANCELLED);

  private final Vertx vertx;
  private final ContextOps ops;
  private final ControllerService controller;
  private final WorkerMetrics metrics;
  private final Settled settled;
  /** The newest report not yet sent, per attempt, in the order the attempts first waited. */
  private final Map<AttemptKey, Controller.ReportTaskStateRequest> waiting = new LinkedHashMap<>();
  /** The reports of the batch in flight; empty when none is. */
  private final Map<AttemptKey, Controller.ReportTaskStateRequest> inFlight = new LinkedHashMap<>();
  private boolean sending;
  private long timer = -1;
  private long backoffMs = FIRST_BACKOFF_MS;
  /** Batches in a row that failed and were retried. */
  private int failures;
  /** False once the controller said it does not know ReportTaskStates. */
  private boolean batched = true;
  private boolean closed;

  /** Hears that no report of an attempt waits any more: the latest was acknowledged, or refused for good. */
  @FunctionalInterface
  interface Settled {
    void settled(AttemptKey key, boolean acknowledged);
  }

  StateReporter(Vertx vertx, ContextOps ops, ControllerService controller, WorkerMetrics metrics, Settled settled) {
    this.settled = settled;
    this.vertx = vertx;
    this.ops = ops;
    this.controller = controller;
    this.metrics = metrics;
  }

  /** Reports the attempt's state: now if no batch is in flight, else with the next batch. */
  void report(AttemptKey key, Controller.ReportTaskStateRequest request) {
    if (closed) {
      return;
    }
    waiting.put(key, request);
    sendIfIdle();
  }

  /** Whether a report of the attempt is waiting for the controller's acknowledgement. */
  boolean isPending(AttemptKey key) {
    return waiting.containsKey(key) || inFlight.containsKey(key);
  }

  /** How many attempts have a report not yet acknowledged. */
  int pending() {
    int n = inFlight.size();
    for (AttemptKey key : waiting.keySet()) {
      if (!inFlight.containsKey(key)) {
        n++;
      }
    }
    return n;
  }

  /** Stops sending and retrying; what is pending is dropped. */
  void close() {
    closed = true;
    if (timer != -1) {
      vertx.cancelTimer(timer);
    }
    waiting.clear();
    inFlight.clear();
  }

  private void sendIfIdle() {
    if (closed || sending || timer != -1 || waiting.isEmpty()) {
      return;
    }
    Iterator<Map.Entry<AttemptKey, Controller.ReportTaskStateRequest>> next = waiting.entrySet().iterator();
    while (next.hasNext() && inFlight.size() < MAX_BATCH) {
      Map.Entry<AttemptKey, Controller.ReportTaskStateRequest> e = next.next();
      inFlight.put(e.getKey(), e.getValue());
      next.remove();
    }
    sending = true;
    List<AttemptKey> keys = List.copyOf(inFlight.keySet());
    List<Controller.ReportTaskStateRequest> reports = List.copyOf(inFlight.values());
    deliver(reports).onComplete(outcomes -> settle(keys, reports, outcomes),
        err -> settle(keys, reports, Collections.nCopies(reports.size(), err)));
  }

  /** Sends the reports; one outcome per report, in order: null when acknowledged, else the failure. */
  private Future<List<Throwable>> deliver(List<Controller.ReportTaskStateRequest> reports) {
    if (!batched) {
      return oneByOne(reports);
    }
    Controller.ReportTaskStatesRequest call = Controller.ReportTaskStatesRequest.newBuilder()
        .setWorkerId(reports.get(0).getWorkerId()).addAllReports(reports).build();
    return ops.here(controller.reportTaskStates(call)).map(answer -> {
      List<Throwable> outcomes = new ArrayList<>(reports.size());
      for (int i = 0; i < reports.size(); i++) {
        String error = i < answer.getErrorsCount() ? answer.getErrors(i) : "";
        outcomes.add(error.isEmpty() ? null : new RpcException(GrpcStatus.INVALID_ARGUMENT, error));
      }
      return outcomes;
    }).recover(err -> {
      if (RpcErrors.statusOf(err) != GrpcStatus.UNIMPLEMENTED || closed) {
        return Future.succeededFuture(Collections.nCopies(reports.size(), err));
      }
      batched = false;
      log.info("the controller does not offer ReportTaskStates ({}); reporting one call per report from now on",
          RpcErrors.messageOf(err));
      return oneByOne(reports);
    });
  }

  private Future<List<Throwable>> oneByOne(List<Controller.ReportTaskStateRequest> reports) {
    List<Future<Throwable>> calls = new ArrayList<>(reports.size());
    for (Controller.ReportTaskStateRequest r : reports) {
      calls.add(ops.here(controller.reportTaskState(r)).<Throwable>map(ok -> null).otherwise(err -> err));
    }
    return Future.all(calls).map(all -> calls.stream().map(Future::result).toList());
  }

  /** Tells the listener, unless a newer report of the attempt waits. */
  private void settle(AttemptKey key, boolean acknowledged) {
    if (!waiting.containsKey(key)) {
      settled.settled(key, acknowledged);
    }
  }

  private void settle(List<AttemptKey> keys, List<Controller.ReportTaskStateRequest> reports,
      List<Throwable> outcomes) {
    sending = false;
    inFlight.clear();
    if (closed) {
      return;
    }
    Throwable retry = null;
    int retried = 0;
    for (int i = 0; i < keys.size(); i++) {
      Throwable err = outcomes.get(i);
      if (err == null) {
        metrics.reportDelivered();
        settle(keys.get(i), true);
      } else if (TRANSIENT.contains(RpcErrors.statusOf(err))) {
        metrics.reportRetried();
        waiting.putIfAbsent(keys.get(i), reports.get(i));
        retry = err;
        retried++;
      } else {
        metrics.reportRefused();
        log.warn("controller refused the report of {} {}: {} {}", keys.get(i), reports.get(i).getState(),
            RpcErrors.statusOf(err), RpcErrors.messageOf(err));
        settle(keys.get(i), false);
      }
    }
    if (retry == null) {
      if (failures > 0) {
        log.info("reports delivered again after {} failed tries", failures);
      }
      failures = 0;
      backoffMs = FIRST_BACKOFF_MS;
      sendIfIdle();
      return;
    }
    failures++;
    if (failures < 3) {
      log.debug("{} reports failed ({} tries), retrying in {} ms: {}", retried, failures, backoffMs,
          RpcErrors.messageOf(retry));
    } else if (failures == 3 || failures % 10 == 0) { // a blip is routine; say so when it lasts
      log.warn("{} reports failed ({} tries), retrying in {} ms: {}", retried, failures, backoffMs,
          RpcErrors.messageOf(retry));
    }
    timer = vertx.setTimer(ControllerSession.jittered(backoffMs), t -> {
      timer = -1;
      sendIfIdle();
    });
    backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
  }
}
