package dev.iris.worker;

import static dev.iris.worker.WorkerTesting.await;
import static dev.iris.worker.WorkerTesting.shJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iris.link.GrpcControllerLink;
import dev.iris.rpc.Controller;
import dev.iris.rpc.JobState;
import dev.iris.rpc.WorkerHealthStatus;
import dev.iris.worker.runtime.ProcessTaskRuntime;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real workers over gRPC claiming one id: a second live one gives up (its registration fails, {@code refused()}
 * says why) while the first goes on; a worker restarted at another port gets its id back once the controller
 * found the old process gone.
 */
class WorkerIdClaimTest {
  @TempDir Path dir;
  private ClusterFixture cluster;
  private GrpcClient client;
  private GrpcControllerLink toController;
  private final List<String> deployments = new java.util.ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    cluster = new ClusterFixture();
    client = GrpcClient.client(cluster.vertx);
    toController = new GrpcControllerLink(client,
        SocketAddress.inetSocketAddress(cluster.controller.port(), "127.0.0.1"), 10_000);
  }

  @AfterEach
  void stop() throws Exception {
    for (String id : deployments) {
      if (cluster.vertx.deploymentIDs().contains(id)) {
        await(cluster.vertx.undeploy(id));
      }
    }
    client.close();
    cluster.close();
  }

  private WorkerVerticle deploy(String id, String workDir, long claimPatienceMs) throws Exception {
    WorkerConfig config = WorkerConfig.defaults(id, dir.resolve(workDir)).withServer("127.0.0.1", 0, "127.0.0.1")
        .withCapacity(2, 4L << 30, 4L << 30).withControllerAddress(cluster.controllerAddress());
    WorkerVerticle w = new WorkerVerticle(config, toController, Clock.systemUTC(), new ProcessTaskRuntime(),
        claimPatienceMs);
    deployments.add(await(cluster.vertx.deployVerticle(w)));
    return w;
  }

  private List<WorkerHealthStatus> workers() throws Exception {
    return await(cluster.api.listWorkers(Controller.ListWorkersRequest.getDefaultInstance())).getWorkersList();
  }

  @Test
  void aSecondLiveWorkerWithTheIdGivesUpAndTheFirstGoesOn() throws Exception {
    WorkerVerticle first = deploy("twin", "a", ControllerSession.CLAIM_PATIENCE_MS);
    await(first.registered());

    long before = System.nanoTime();
    WorkerVerticle second = deploy("twin", "b", 1_000);
    assertThatThrownBy(() -> await(second.registered()))
        .isInstanceOf(ControllerSession.IdRefusedException.class)
        .hasMessageMatching("worker id 'twin' is held by a live worker at " + first.address().replace(".", "\\.")
            + " \\(heard from \\d+ ms ago\\); the worker at " + second.address().replace(".", "\\.")
            + " may not register under it: give one of them another --worker-id \\(or its own --work-dir\\), or stop "
            + "the other; the id is free once that worker is known dead, or the controller has not heard from it for 5000 ms");
    assertThat(await(second.refused())).startsWith("worker id 'twin' is held by a live worker at " + first.address());
    assertThat((System.nanoTime() - before) / 1_000_000).as("ms until it gave up").isBetween(1_000L, 10_000L);

    Thread.sleep(1_500); // the first goes on heartbeating; the second no longer registers
    assertThat(workers()).singleElement().satisfies(w -> {
      assertThat(w.getAddress()).isEqualTo(first.address());
      assertThat(w.getHealthy()).isTrue();
    });
    String job = cluster.launch(shJob("after-claim", 2, "echo $IRIS_WORKER_ID"));
    assertThat(cluster.awaitFinished(job).getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    assertThat(first.refused().isComplete()).isFalse();
  }

  @Test
  void aWorkerRestartedAtAnotherPortGetsItsIdBack() throws Exception {
    WorkerVerticle before = deploy("phoenix", "a", ControllerSession.CLAIM_PATIENCE_MS);
    await(before.registered());
    String oldAddress = before.address();
    await(cluster.vertx.undeploy(deployments.remove(0))); // stopped: its port now refuses connections
    long stopped = System.nanoTime();

    WorkerVerticle after = deploy("phoenix", "a", ControllerSession.CLAIM_PATIENCE_MS);
    await(after.registered()); // refused while the old one counts as alive, then the probe finds it gone
    long ms = (System.nanoTime() - stopped) / 1_000_000;
    System.out.printf("the restarted worker registered %d ms after the old one stopped%n", ms);
    assertThat(ms).isLessThan(ControllerSession.CLAIM_PATIENCE_MS);

    assertThat(after.address()).isNotEqualTo(oldAddress);
    assertThat(workers()).singleElement().satisfies(w -> {
      assertThat(w.getWorkerId()).isEqualTo("phoenix");
      assertThat(w.getAddress()).isEqualTo(after.address());
    });
    String job = cluster.launch(shJob("after-restart", 1, "true"));
    assertThat(cluster.awaitFinished(job).getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
  }
}
