package dev.iris.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.client.IrisClient;
import dev.iris.client.JobRequest;
import dev.iris.common.ProtoStates;
import dev.iris.rpc.JobState;
import dev.iris.rpc.TaskState;
import dev.iris.rpc.TaskStatus;
import dev.iris.rpc.Worker;
import dev.iris.rpc.WorkerHealthStatus;
import dev.iris.worker.Poll;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --cluster}: an {@code iris controller} and two {@code iris worker}s as separate JVMs whose event buses
 * are clustered through Hazelcast (TCP-IP join on 127.0.0.1); the workers serve no gRPC port, the controller
 * reaches them, and they the controller, over the clustered bus. Users still talk gRPC to the controller.
 */
@Tag("slow")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterModeE2eTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private Processes processes;
  private String controller;
  private final Map<String, Processes.Server> workers = new java.util.HashMap<>();
  private IrisClient iris;

  @BeforeAll
  void startCluster(@TempDir Path dir) {
    int port = Processes.freePort();
    controller = "127.0.0.1:" + port;
    List<Integer> clusterPorts = List.of(Processes.freePort(), Processes.freePort(), Processes.freePort());
    String members = String.join(",", clusterPorts.stream().map(p -> "127.0.0.1:" + p).toList());
    processes = new Processes(dir, Map.of("IRIS_CONTROLLER_ADDRESS", controller));
    Processes.Server ctl = processes.start("controller", "--host", "127.0.0.1", "--port", Integer.toString(port),
        "--cluster", "--cluster-port", clusterPorts.get(0).toString(), "--cluster-members", members);
    Processes.awaitLine(ctl, "iris controller listening on " + controller, WAIT);
    for (int i = 1; i <= 2; i++) {
      String id = "cw" + i;
      workers.put(id, processes.start("worker", "--host", "127.0.0.1", "--controller", controller,
          "--cluster", "--cluster-port", clusterPorts.get(i).toString(), "--cluster-members", members,
          "--worker-id", id, "--work-dir", dir.resolve(id).toString(), "--cpu", "2",
          "--task-ports", i == 1 ? "30000-34999" : "35000-39999"));
    }
    iris = IrisClient.remote(controller, processes.token());
    Poll.until(WAIT, "both workers to join", () -> iris.listWorkers().stream()
        .filter(WorkerHealthStatus::getHealthy).count() == 2);
  }

  @AfterAll
  void stopEverything() {
    if (iris != null) {
      iris.close();
    }
    if (processes != null) {
      processes.close();
    }
  }

  @Test
  @Order(1)
  void workersJoinOverTheClusteredBusAndServeNoPortOfTheirOwn() {
    assertThat(iris.listWorkers()).extracting(WorkerHealthStatus::getAddress)
        .containsExactlyInAnyOrder("bus://cw1", "bus://cw2");
  }

  @Test
  @Order(2)
  void aJobRunsOnTheWorkersOfOtherJvmsAndItsLogsComeBack() {
    String job = iris.submit(JobRequest.command("/bin/sh", "-c", "echo hello from $IRIS_TASK_INDEX on $IRIS_WORKER_ID")
        .name("over-the-bus").replicas(4).cpu(1)).id();
    Poll.until(WAIT, "the job to finish", () -> ProtoStates.isFinished(iris.status(job, false).getState()));
    assertThat(iris.status(job, false).getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    List<TaskStatus> tasks = iris.listTasks(job);
    assertThat(tasks).extracting(TaskStatus::getWorkerId).containsOnly("cw1", "cw2").contains("cw1", "cw2");
    for (TaskStatus task : tasks) {
      assertThat(iris.fetchTaskLogs(job, task.getTaskIndex(), 0, 0)).extracting(Worker.LogEntry::getData)
          .containsExactly("hello from " + task.getTaskIndex() + " on " + task.getWorkerId());
    }
  }

  @Test
  @Order(3)
  void aRemoteWorkersMetricsAreServedByTheController() throws Exception {
    HttpResponse<String> page = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://" + controller + "/workers/cw1/metrics"))
            .header("authorization", "Bearer " + processes.token()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("iris_worker_process_launches_total");
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void aKilledWorkersTaskFailsOverWithinSecondsAndRunsOnTheOther() {
    String job = iris.submit(JobRequest.command("/bin/sh", "-c",
            "if [ $IRIS_ATTEMPT_ID = 0 ]; then echo first; exec sleep 600; fi; echo retried on $IRIS_WORKER_ID")
        .name("survivor").cpu(0).maxRetriesPreemption(3)).id();
    Poll.until(WAIT, "the first attempt to run", () -> iris.fetchTaskLogs(job, 0, 0, 0).size() == 1);
    String victimId = iris.taskStatus(job, 0).getWorkerId();
    String otherId = victimId.equals("cw1") ? "cw2" : "cw1";
    Process victim = workers.get(victimId).process();
    victim.descendants().forEach(processes::track);

    long killedAt = System.nanoTime();
    victim.destroyForcibly(); // SIGKILL, by the worker's own handle

    Poll.until(WAIT, "the first attempt to fail over",
        () -> iris.taskStatus(job, 0).getAttempts(0).getState() == TaskState.TASK_STATE_WORKER_FAILED);
    Duration failover = Duration.ofNanos(System.nanoTime() - killedAt);
    System.out.println("cluster: WORKER_FAILED " + failover.toMillis() + " ms after the worker's SIGKILL");
    // found by the probe (nothing serves the worker's addresses once its node left), not the heartbeat timeout
    assertThat(iris.taskStatus(job, 0).getAttempts(0).getError())
        .contains("dead: nothing serves its address").contains("nobody serves iris.worker." + victimId);
    Poll.until(WAIT, "the job to finish", () -> ProtoStates.isFinished(iris.status(job, false).getState()));
    assertThat(iris.status(job, false).getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    assertThat(iris.fetchTaskLogs(job, 0, 0, 0)).extracting(Worker.LogEntry::getData)
        .containsExactly("retried on " + otherId);
  }
}
