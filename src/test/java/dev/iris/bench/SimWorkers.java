package dev.iris.bench;

import dev.iris.link.WorkerServiceBinding;
import dev.iris.rpc.Controller;
import dev.iris.rpc.ControllerService;
import dev.iris.rpc.Empty;
import dev.iris.rpc.TaskState;
import dev.iris.rpc.TaskStatus;
import dev.iris.rpc.Worker;
import dev.iris.rpc.WorkerMetadata;
import dev.iris.rpc.WorkerServiceService;
import dev.iris.rpc.WorkerServiceGrpcService;
import dev.iris.rpc.WorkerTaskEntry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.server.GrpcServer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fleet of simulated workers with the instant runtime: every RunTask is answered at once and its attempt
 * goes RUNNING then SUCCEEDED immediately, without a process. Reports travel in batched heartbeats (one
 * heartbeat per worker carries every transition since its last one; at most one heartbeat in flight per
 * worker), flushed as soon as the event loop is free, plus an idle heartbeat each interval to stay alive.
 * No per-task timers. Each states a start capacity of its cpu count (starts are instant; for tasks of a cpu or
 * more the slots never bind before the cpus do). Deploy as one verticle: all workers live on its event loop.
 *
 * <p>Test-only; never the default runtime of a worker.
 */
public final class SimWorkers extends VerticleBase {
  /** How the controller reaches the workers. */
  public enum Transport { BUS, GRPC }

  /**
   * @param prefix worker ids are {@code prefix-<i>}
   * @param group when non-null, attribute {@code group=<group>}; workers always carry {@code worker-index=i}
   * @param hold when true, attempts stay RUNNING (for gang scenarios that measure RUNNING only)
   */
  public record Spec(String prefix, int count, int cpu, long memoryBytes, String group, Transport transport,
      String host, boolean hold) {}

  private final Spec spec;
  private final ControllerService controller;
  private final List<Sim> workers = new ArrayList<>();
  private final List<HttpServer> servers = new ArrayList<>();
  private final AtomicLong runs = new AtomicLong();
  private final AtomicLong heartbeats = new AtomicLong();
  private boolean flushScheduled;
  private long heartbeatIntervalMs = 1_000;

  public SimWorkers(Spec spec, ControllerService controller) {
    this.spec = spec;
    this.controller = controller;
  }

  public long runs() {
    return runs.get();
  }

  public long heartbeats() {
    return heartbeats.get();
  }

  @Override
  public Future<?> start() {
    List<Future<?>> started = new ArrayList<>();
    for (int i = 0; i < spec.count(); i++) {
      Sim w = new Sim(spec.prefix() + "-" + i, i);
      workers.add(w);
      started.add(serve(w).compose(addr -> {
        w.address = addr;
        return w.register();
      }));
    }
    vertx.setPeriodic(Math.max(100, heartbeatIntervalMs / 4), t -> {
      long now = System.currentTimeMillis();
      for (Sim w : workers) {
        if (w.registered && !w.inFlight && now - w.lastHeartbeat >= heartbeatIntervalMs / 2) {
          w.flush();
        }
      }
    });
    return Future.all(started);
  }

  @Override
  public Future<?> stop() {
    return Future.join(servers.stream().map(HttpServer::close).toList());
  }

  private Future<String> serve(Sim w) {
    if (spec.transport() == Transport.BUS) {
      WorkerServiceBinding.bind(vertx.eventBus(), w.id, w);
      return Future.succeededFuture("bus://" + w.id);
    }
    GrpcServer grpc = GrpcServer.server(vertx);
    grpc.addService(WorkerServiceGrpcService.of(w));
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(spec.host()).setPort(0));
    server.requestHandler(grpc);
    servers.add(server);
    return server.listen().map(s -> spec.host() + ":" + s.actualPort());
  }

  private void scheduleFlush() {
    if (!flushScheduled) {
      flushScheduled = true;
      vertx.runOnContext(v -> {
        flushScheduled = false;
        for (Sim w : workers) {
          if (!w.pending.isEmpty() && !w.inFlight) {
            w.flush();
          }
        }
      });
    }
  }

  /** One simulated worker. */
  private final class Sim extends WorkerServiceService {
    final String id;
    final int index;
    String address;
    volatile boolean registered;
    boolean inFlight;
    long lastHeartbeat;
    List<WorkerTaskEntry> pending = new ArrayList<>();
    /** Attempts held RUNNING (hold mode), reported in every heartbeat. */
    final Map<String, WorkerTaskEntry> held = new HashMap<>();

    Sim(String id, int index) {
      this.id = id;
      this.index = index;
    }

    Future<Void> register() {
      // starts are instant here: as many may be starting at once as the worker has cpus (the controller's
      // default for a worker that states none, StoreConfig.DEFAULT_START_CAPACITY, models a real worker)
      WorkerMetadata.Builder meta = WorkerMetadata.newBuilder().setCpuCount(spec.cpu())
          .setMemoryBytes(spec.memoryBytes()).setDiskBytes(1L << 40).setHostname(id)
          .setStartCapacity(Math.max(1, spec.cpu())).putAttributes("worker-index", Integer.toString(index));
      if (spec.group() != null) {
        meta.putAttributes("group", spec.group());
      }
      return controller.registerWorker(Controller.RegisterWorkerRequest.newBuilder().setWorkerId(id)
          .setAddress(address).setMetadata(meta).build()).map(r -> {
            if (r.getHeartbeatIntervalMs() > 0) {
              heartbeatIntervalMs = r.getHeartbeatIntervalMs();
            }
            registered = true;
            lastHeartbeat = System.currentTimeMillis();
            return null;
          });
    }

    void flush() {
      List<WorkerTaskEntry> batch = pending;
      pending = new ArrayList<>();
      Controller.HeartbeatRequest.Builder hb = Controller.HeartbeatRequest.newBuilder().setWorkerId(id)
          .addAllTasks(batch).addAllTasks(held.values());
      inFlight = true;
      lastHeartbeat = System.currentTimeMillis();
      heartbeats.incrementAndGet();
      controller.heartbeat(hb.build()).onComplete(ar -> {
        inFlight = false;
        if (ar.succeeded() && ar.result().getReregister()) {
          register();
        } else if (ar.failed()) {
          // the controller did not take the batch: send it again with the next one
          batch.addAll(pending);
          pending = batch;
        }
        if (!pending.isEmpty()) {
          scheduleFlush();
        }
      });
    }

    @Override
    public Future<Worker.RunTaskResponse> runTask(Worker.RunTaskRequest r) {
      runs.incrementAndGet();
      long now = System.currentTimeMillis();
      WorkerTaskEntry running = WorkerTaskEntry.newBuilder().setTaskId(r.getTaskId()).setAttemptId(r.getAttemptId())
          .setState(TaskState.TASK_STATE_RUNNING).setStartedAtMs(now).build();
      pending.add(running);
      if (spec.hold()) {
        held.put(r.getTaskId(), running);
      } else {
        pending.add(running.toBuilder().setState(TaskState.TASK_STATE_SUCCEEDED).setFinishedAtMs(now).build());
      }
      scheduleFlush();
      return Future.succeededFuture(Worker.RunTaskResponse.newBuilder().setTaskId(r.getTaskId())
          .setState(TaskState.TASK_STATE_ASSIGNED).build());
    }

    @Override
    public Future<Empty> killTask(Worker.KillTaskRequest r) {
      WorkerTaskEntry e = held.remove(r.getTaskId());
      if (e != null) {
        pending.add(e.toBuilder().setState(TaskState.TASK_STATE_KILLED).build());
        scheduleFlush();
      }
      return Future.succeededFuture(Empty.getDefaultInstance());
    }

    @Override
    public Future<TaskStatus> getTaskStatus(Worker.GetTaskStatusRequest request) {
      return Future.failedFuture("simulated worker keeps no task status");
    }

    @Override
    public Future<Worker.ListTasksResponse> listTasks(Worker.ListTasksRequest request) {
      return Future.succeededFuture(Worker.ListTasksResponse.getDefaultInstance());
    }

    @Override
    public Future<Worker.FetchTaskLogsResponse> fetchTaskLogs(Worker.FetchTaskLogsRequest request) {
      return Future.succeededFuture(Worker.FetchTaskLogsResponse.getDefaultInstance());
    }

    @Override
    public Future<Worker.HealthResponse> healthCheck(Empty request) {
      return Future.succeededFuture(Worker.HealthResponse.newBuilder().setHealthy(true).build());
    }
  }
}
