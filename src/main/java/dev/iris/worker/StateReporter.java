package dev.iris.worker;

import dev.iris.common.RpcErrors;
import dev.iris.rpc.Controller;
import dev.iris.rpc.ControllerService;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends ReportTaskState for each attempt, retrying with exponential backoff until the controller
 * acknowledges. Per attempt, one report is in flight at a time and only the newest pending state is
 * sent (a RUNNING report still waiting is replaced by the terminal one), so the controller never sees an
 * attempt's states out of order. Refusals that a retry cannot fix (invalid argument, not found, ...) are
 * logged and dropped; the heartbeat carries the state anyway. Used on the worker verticle's context.
 */
final class StateReporter {
  private static final Logger log = LoggerFactory.getLogger(StateReporter.class);
  static final long FIRST_BACKOFF_MS = 100;
  static final long MAX_BACKOFF_MS = 5_000;
  private static final Set<GrpcStatus> TRANSIENT = Set.of(GrpcStatus.UNAVAILABLE, GrpcStatus.DEADLINE_EXCEEDED,
      GrpcStatus.INTERNAL, GrpcStatus.UNKNOWN, GrpcStatus.RESOURCE_EXHAUSTED, GrpcStatus.ABORTED,
      GrpcStatus.CANCELLED);

  private final Vertx vertx;
  private final ContextOps ops;
  private final ControllerService controller;
  private final WorkerMetrics metrics;
  private final Map<AttemptKey, Slot> slots = new HashMap<>();
  private boolean closed;

  private static final class Slot {
    Controller.ReportTaskStateRequest next;
    boolean inFlight;
    long timer = -1;
    long backoffMs = FIRST_BACKOFF_MS;
    int failures;
  }

  StateReporter(Vertx vertx, ContextOps ops, ControllerService controller, WorkerMetrics metrics) {
    this.vertx = vertx;
    this.ops = ops;
    this.controller = controller;
    this.metrics = metrics;
  }

  /** Reports the attempt's state now (or as soon as the previous report of the attempt settled). */
  void report(AttemptKey key, Controller.ReportTaskStateRequest request) {
    if (closed) {
      return;
    }
    Slot slot = slots.computeIfAbsent(key, k -> new Slot());
    slot.next = request;
    if (!slot.inFlight && slot.timer == -1) {
      send(key, slot);
    }
  }

  /** Whether a report of the attempt is waiting for the controller's acknowledgement. */
  boolean isPending(AttemptKey key) {
    return slots.containsKey(key);
  }

  /** How many attempts have a report not yet acknowledged. */
  int pending() {
    return slots.size();
  }

  /** Stops retrying. */
  void close() {
    closed = true;
    slots.values().forEach(s -> {
      if (s.timer != -1) {
        vertx.cancelTimer(s.timer);
      }
    });
    slots.clear();
  }

  private void send(AttemptKey key, Slot slot) {
    Controller.ReportTaskStateRequest request = slot.next;
    slot.next = null;
    slot.inFlight = true;
    ops.here(controller.reportTaskState(request)).onComplete(ok -> {
      slot.inFlight = false;
      metrics.reportDelivered();
      slot.backoffMs = FIRST_BACKOFF_MS;
      if (slot.failures > 0) {
        log.info("report of {} {} delivered after {} failed tries", key, request.getState(), slot.failures);
        slot.failures = 0;
      }
      settle(key, slot);
    }, err -> {
      slot.inFlight = false;
      GrpcStatus status = RpcErrors.statusOf(err);
      if (closed) {
        return;
      }
      if (!TRANSIENT.contains(status)) {
        metrics.reportRefused();
        log.warn("controller refused the report of {} {}: {} {}", key, request.getState(), status,
            RpcErrors.messageOf(err));
        settle(key, slot);
        return;
      }
      slot.failures++;
      metrics.reportRetried();
      if (slot.failures < 3) {
        log.debug("report of {} {} failed ({} tries), retrying: {}", key, request.getState(), slot.failures,
            RpcErrors.messageOf(err));
      } else if (slot.failures == 3 || slot.failures % 10 == 0) { // a blip is routine; say so when it lasts
        log.warn("report of {} {} failed ({} tries), retrying: {}", key, request.getState(), slot.failures,
            RpcErrors.messageOf(err));
      }
      if (slot.next == null) {
        slot.next = request;
      }
      slot.timer = vertx.setTimer(slot.backoffMs, t -> {
        slot.timer = -1;
        if (!closed) {
          send(key, slot);
        }
      });
      slot.backoffMs = Math.min(slot.backoffMs * 2, MAX_BACKOFF_MS);
    });
  }

  private void settle(AttemptKey key, Slot slot) {
    if (closed) {
      return;
    }
    if (slot.next != null) {
      send(key, slot);
    } else {
      slots.remove(key);
    }
  }
}
