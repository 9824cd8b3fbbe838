package dev.iris.worker;

import dev.iris.common.RpcErrors;
import dev.iris.rpc.Controller;
import dev.iris.rpc.ControllerService;
import dev.iris.rpc.WorkerMetadata;
import dev.iris.rpc.WorkerTaskEntry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's standing with the controller: registers (retrying with capped, jittered backoff until the
 * controller is reachable), then heartbeats at the interval the controller asked for with the full list of
 * attempts, and registers again when a heartbeat answer says so. Used on the worker verticle's context.
 *
 * <p>Each acknowledged registration and heartbeat renews the worker's lease ({@link LeaseKeeper}), counted from when
 * it was sent. A controller that goes away (a restart, an outage) changes nothing for the tasks while the lease
 * lasts: they keep running, their reports wait in the {@link StateReporter} (one per attempt, so bounded by what this worker holds), and the
 * heartbeats go on at their interval, each one a reconnect attempt. The first heartbeat a restarted controller
 * answers hands it this worker's list of attempts, which it adopts; the outage is logged once at WARN when it
 * has lasted {@value #UNREACHABLE_WARN_INTERVALS} intervals, then every {@value #UNREACHABLE_LOG_EVERY_MS} ms,
 * and its end at INFO. An outage longer than the lease fences the attempts.
 *
 * <p>A controller that refuses the worker's id (ALREADY_EXISTS: another live worker holds it) is asked again
 * for the {@code claimPatience} (by default {@value #CLAIM_PATIENCE_MS} ms, beyond the time a controller takes to
 * declare a worker that just stopped lost, so a worker restarted at another address gets its id back), logged
 * once at WARN; if it still refuses, the session gives up: {@link #start}'s future fails with an {@link
 * IdRefusedException}, {@link #refused} completes, and it stops registering and heartbeating for good.
 */
final class ControllerSession {
  private static final Logger log = LoggerFactory.getLogger(ControllerSession.class);
  static final long DEFAULT_HEARTBEAT_MS = 1_000;
  private static final long FIRST_BACKOFF_MS = 200;
  private static final long MAX_BACKOFF_MS = 5_000;
  private static final long MAX_CLAIM_BACKOFF_MS = 1_000;
  static final int UNREACHABLE_WARN_INTERVALS = 3;
  static final long UNREACHABLE_LOG_EVERY_MS = 30_000;
  /**
   * How long a refused id is asked for again before the session gives up: beyond the default lease's bound (27.5 s),
   * so a worker restarted elsewhere gets the id of one that vanished without a trace (a host that went dark) once
   * the controller knows its lease ran out.
   */
  static final long CLAIM_PATIENCE_MS = 30_000;

  private final Vertx vertx;
  private final ContextOps ops;
  private final ControllerService controller;
  private final String workerId;
  private final String address;
  private final WorkerMetadata metadata;
  private final Admissions admissions;
  private final Supplier<List<WorkerTaskEntry>> tasks;
  private final WorkerMetrics metrics;
  private final LeaseKeeper lease;
  private final Promise<Void> firstRegistration = Promise.promise();
  private final Promise<String> refusal = Promise.promise();
  private final long claimPatienceMs;
  /** When the controller first refused this worker's id in the current run of refusals (System.nanoTime), or NONE. */
  private long refusedSince = NONE;
  private long backoffMs = FIRST_BACKOFF_MS;
  private int failures;
  private long timer = -1;
  private long heartbeatTimer = -1;
  private static final long NONE = Long.MIN_VALUE;
  /** When the unanswered heartbeat was sent (System.nanoTime), or NONE. */
  private long heartbeatInFlightSince = NONE;
  private long heartbeatIntervalMs = DEFAULT_HEARTBEAT_MS;
  private boolean registered;
  /** When the first heartbeat of the current run of failures was sent (System.nanoTime), or NONE. */
  private long unreachableSince = NONE;
  private int heartbeatsFailed;
  /** When the outage was last logged at WARN (System.nanoTime), or NONE. */
  private long unreachableLogged = NONE;
  private volatile String controllerToken = "";
  private boolean closed;

  ControllerSession(Vertx vertx, ContextOps ops, ControllerService controller, String workerId, String address,
      WorkerMetadata metadata, Admissions admissions, Supplier<List<WorkerTaskEntry>> tasks, WorkerMetrics metrics,
      LeaseKeeper lease, long claimPatienceMs) {
    this.lease = lease;
    this.claimPatienceMs = claimPatienceMs;
    this.admissions = admissions;
    this.vertx = vertx;
    this.ops = ops;
    this.controller = controller;
    this.workerId = workerId;
    this.address = address;
    this.metadata = metadata;
    this.tasks = tasks;
    this.metrics = metrics;
  }

  /** Starts registering; the future completes at the first accepted registration. */
  Future<Void> start() {
    register();
    return firstRegistration.future();
  }

  boolean registered() {
    return registered;
  }

  /**
   * Completes, with why, when the session gave up because the controller kept refusing the worker's id (another
   * live worker holds it); never fails.
   */
  Future<String> refused() {
    return refusal.future();
  }

  /**
   * The token the controller's calls bear, as its last registration answer said: empty before the first
   * registration (no caller trusted yet), null when the controller sends none (it authenticates no one).
   */
  String controllerToken() {
    return controllerToken;
  }

  void close() {
    closed = true;
    if (timer != -1) {
      vertx.cancelTimer(timer);
    }
    if (heartbeatTimer != -1) {
      vertx.cancelTimer(heartbeatTimer);
    }
  }

  private void register() {
    if (closed) {
      return;
    }
    registered = false;
    // the mark and the list are taken together, on this context: the list names every attempt accepted by then
    Controller.RegisterWorkerRequest request = Controller.RegisterWorkerRequest.newBuilder().setWorkerId(workerId)
        .setAddress(address).setMetadata(metadata).setIncarnation(admissions.incarnation())
        .setAcceptedSeq(admissions.acceptedSeq()).addAllTasks(tasks.get()).build();
    long sent = System.nanoTime();
    ops.here(controller.registerWorker(request)).onComplete(response -> {
      if (closed) {
        return;
      }
      registered = true;
      lease.renewed(sent, response.getLeaseMs());
      refusedSince = NONE;
      controllerToken = response.getControllerToken().isEmpty() ? null : response.getControllerToken();
      backoffMs = FIRST_BACKOFF_MS;
      failures = 0;
      long interval = response.getHeartbeatIntervalMs() > 0 ? response.getHeartbeatIntervalMs() : DEFAULT_HEARTBEAT_MS;
      heartbeatIntervalMs = interval;
      log.info("worker {} registered as {} (heartbeat every {} ms)", workerId, address, interval);
      if (heartbeatTimer != -1) {
        vertx.cancelTimer(heartbeatTimer);
      }
      heartbeatTimer = vertx.setPeriodic(interval, t -> heartbeat());
      firstRegistration.tryComplete();
    }, err -> {
      if (closed) {
        return;
      }
      boolean idRefused = RpcErrors.statusOf(err) == GrpcStatus.ALREADY_EXISTS;
      if (idRefused && refusedForGood(RpcErrors.messageOf(err))) {
        return;
      }
      failures++;
      if (!idRefused && (failures == 1 || failures % 10 == 0)) {
        log.warn("worker {} cannot register ({} tries), retrying: {}", workerId, failures, RpcErrors.messageOf(err));
      }
      timer = vertx.setTimer(jittered(backoffMs), t -> {
        timer = -1;
        register();
      });
      // a refused id is asked for often: the controller frees it as soon as it finds the holder gone
      backoffMs = Math.min(backoffMs * 2, idRefused ? MAX_CLAIM_BACKOFF_MS : MAX_BACKOFF_MS);
    });
  }

  /**
   * The controller refused the worker's id: logged at the first refusal of a run; true (and the session is over)
   * once it has refused for the claim patience.
   */
  private boolean refusedForGood(String why) {
    long now = System.nanoTime();
    if (refusedSince == NONE) {
      refusedSince = now;
      if (claimPatienceMs > 0) {
        log.warn("worker {}: the controller refuses its id: {}; asking again for up to {} s in case that worker has "
            + "just stopped", workerId, why, claimPatienceMs / 1_000);
      }
    }
    if (now - refusedSince < claimPatienceMs * 1_000_000) {
      return false;
    }
    close();
    firstRegistration.tryFail(new IdRefusedException(why));
    refusal.tryComplete(why);
    return true;
  }

  /** The controller refused the worker's id for the whole claim patience: another live worker holds it. */
  static final class IdRefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    IdRefusedException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * A heartbeat now rather than at the next tick, unless one sent within two intervals is still unanswered: the lease
   * asks for it when the worker was stalled past its fencing instant.
   */
  void heartbeatNow() {
    heartbeat();
  }

  private void heartbeat() {
    if (closed || !registered) {
      return;
    }
    // one heartbeat at a time; but a busy controller that has not answered within two intervals gets the next
    // one anyway, so a slow answer never keeps this worker silent until the call times out
    long now = System.nanoTime();
    if (heartbeatInFlightSince != NONE && now - heartbeatInFlightSince < 2 * heartbeatIntervalMs * 1_000_000) {
      return;
    }
    heartbeatInFlightSince = now;
    Controller.HeartbeatRequest request = Controller.HeartbeatRequest.newBuilder().setWorkerId(workerId)
        .setIncarnation(admissions.incarnation()).setAcceptedSeq(admissions.acceptedSeq())
        .addAllTasks(tasks.get()).build();
    long sent = now;
    ops.here(controller.heartbeat(request)).onComplete(response -> {
      if (heartbeatInFlightSince == sent) {
        heartbeatInFlightSince = NONE;
      }
      metrics.heartbeat(true, System.nanoTime() - sent);
      reachable();
      if (!response.getReregister()) {
        lease.renewed(sent, response.getLeaseMs()); // a controller that no longer knows this worker renews nothing
      }
      if (response.getReregister() && !closed && registered) {
        log.info("controller asked worker {} to register again", workerId);
        vertx.cancelTimer(heartbeatTimer);
        heartbeatTimer = -1;
        register();
      }
    }, err -> {
      if (heartbeatInFlightSince == sent) {
        heartbeatInFlightSince = NONE;
      }
      metrics.heartbeat(false, System.nanoTime() - sent);
      unreachable(sent, err);
    });
  }

  /** A heartbeat failed: logged at DEBUG until the outage has lasted a few intervals, then at WARN now and then. */
  private void unreachable(long sent, Throwable err) {
    if (unreachableSince == NONE) {
      unreachableSince = sent;
    }
    heartbeatsFailed++;
    long now = System.nanoTime();
    long forMs = (now - unreachableSince) / 1_000_000;
    boolean longEnough = forMs >= UNREACHABLE_WARN_INTERVALS * heartbeatIntervalMs;
    if (longEnough && (unreachableLogged == NONE || now - unreachableLogged >= UNREACHABLE_LOG_EVERY_MS * 1_000_000)) {
      unreachableLogged = now;
      log.warn("worker {}: controller unreachable for {} s ({} heartbeats failed); its {} attempts keep running while its lease lasts, and "
          + "it keeps trying: {}", workerId, forMs / 1_000, heartbeatsFailed, tasks.get().size(),
          RpcErrors.messageOf(err));
    } else {
      log.debug("heartbeat of {} failed: {}", workerId, RpcErrors.messageOf(err));
    }
  }

  private void reachable() {
    if (unreachableSince != NONE && unreachableLogged != NONE) {
      log.info("worker {}: controller reachable again after {} s", workerId,
          (System.nanoTime() - unreachableSince) / 1_000_000_000L);
    }
    unreachableSince = NONE;
    unreachableLogged = NONE;
    heartbeatsFailed = 0;
  }

  /** Between half and all of {@code ms}: workers that lost one controller together do not come back in step. */
  static long jittered(long ms) {
    return ms / 2 + java.util.concurrent.ThreadLocalRandom.current().nextLong(ms / 2 + 1);
  }
}
