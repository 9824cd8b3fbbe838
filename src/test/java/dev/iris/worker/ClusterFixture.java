package dev.iris.worker;

import static dev.iris.worker.WorkerTesting.await;
import static dev.iris.worker.WorkerTesting.eventually;

import dev.iris.controller.ControllerAuth;
import dev.iris.controller.state.StoreConfig;
import dev.iris.link.EventBusControllerLink;
import dev.iris.link.GrpcControllerLink;
import dev.iris.node.ControllerNode;
import dev.iris.rpc.Controller;
import dev.iris.rpc.ControllerService;
import dev.iris.rpc.JobState;
import dev.iris.rpc.JobStatus;
import dev.iris.rpc.TaskStatus;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/** A real controller (port 0) in one Vert.x, a gRPC client to it, and room for real workers. */
final class ClusterFixture implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(30);
  private static final Set<JobState> FINISHED = EnumSet.of(JobState.JOB_STATE_SUCCEEDED, JobState.JOB_STATE_FAILED,
      JobState.JOB_STATE_KILLED, JobState.JOB_STATE_WORKER_FAILED, JobState.JOB_STATE_UNSCHEDULABLE);
  final Vertx vertx;
  final ControllerNode controller;
  final GrpcClient grpc;
  final GrpcControllerLink api;

  ClusterFixture() throws Exception {
    this(Vertx.vertx());
  }

  ClusterFixture(Vertx vertx) throws Exception {
    this(vertx, ControllerAuth.none(), "");
  }

  /** A controller authenticating callers with {@code auth}; {@link #api} bears {@code token}. */
  ClusterFixture(Vertx vertx, ControllerAuth auth, String token) throws Exception {
    this.vertx = vertx;
    var config = ControllerNode.Config.defaults("127.0.0.1", 0).withAuth(auth)
        .withStore(new StoreConfig(5_000, StoreConfig.DEFAULT_START_CAPACITY, 300, 100_000));
    controller = await(ControllerNode.start(vertx, config, Clock.systemUTC()));
    grpc = GrpcClient.client(vertx);
    api = new GrpcControllerLink(grpc, SocketAddress.inetSocketAddress(controller.port(), "127.0.0.1"), 10_000,
        token);
  }

  String controllerAddress() {
    return "127.0.0.1:" + controller.port();
  }

  /** The controller over the event bus, as an in-process worker reaches it. */
  ControllerService busLink() {
    return new EventBusControllerLink(vertx.eventBus(), 10_000);
  }

  String launch(Controller.LaunchJobRequest.Builder request) throws Exception {
    return await(api.launchJob(request.build())).getJobId();
  }

  JobStatus job(String id) throws Exception {
    return await(api.getJobStatus(Controller.GetJobStatusRequest.newBuilder().setJobId(id).setIncludeTasks(true)
        .build())).getJob();
  }

  TaskStatus task(String jobId, int index) throws Exception {
    return await(api.getTaskStatus(Controller.GetTaskStatusRequest.newBuilder().setJobId(jobId).setTaskIndex(index)
        .build())).getTask();
  }

  JobStatus awaitFinished(String id) throws Exception {
    eventually(WAIT, "job " + id + " to finish", () -> FINISHED.contains(job(id).getState()));
    return job(id);
  }

  @Override
  public void close() throws Exception {
    await(controller.stop());
    grpc.close();
    await(vertx.close());
  }
}
