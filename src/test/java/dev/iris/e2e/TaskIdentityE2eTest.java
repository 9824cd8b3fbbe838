package dev.iris.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iris.client.IrisClient;
import dev.iris.client.JobRequest;
import dev.iris.common.RpcException;
import dev.iris.link.GrpcWorkerLink;
import dev.iris.rpc.Empty;
import dev.iris.rpc.JobState;
import dev.iris.rpc.JobStatus;
import dev.iris.rpc.Worker;
import dev.iris.rpc.WorkerHealthStatus;
import dev.iris.worker.Poll;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * Who a task is, end to end: {@code iris controller} (with a users file) and an {@code iris worker} (with a
 * worker token of its own) as separate JVMs, the CLI with the admin token, and the Java client as alice and
 * bob. A task gets a token of its own job and never the cluster's, nor the worker's environment; with it, a
 * Java program inside the task launches a child job and is refused every other job.
 */
@Tag("slow")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TaskIdentityE2eTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String ALICE = "alice-token-0123456789abcdef";
  private static final String BOB = "bob-token-0123456789abcdef";
  private static final String WORKER = "worker-token-0123456789abcdef";
  private static final String WORKER_SECRET = "worker-secret-4f1c9a";
  /** The worker's variables a task gets (TaskEnvironment.BASE), besides its own IRIS_* and its job's. */
  private static final Set<String> BASE = Set.of("PATH", "HOME", "LANG", "TZ", "USER", "TMPDIR");
  private Path dir;
  private Processes processes;
  private String controller;
  private Processes.Server ctl;
  private Processes.Server worker;
  private IrisClient admin;
  private IrisClient alice;
  private IrisClient bob;

  @BeforeAll
  void startClusterProcesses(@TempDir Path tempDir) throws Exception {
    dir = tempDir;
    int port = Processes.freePort();
    controller = "127.0.0.1:" + port;
    processes = new Processes(dir, Map.of("IRIS_CONTROLLER_ADDRESS", controller, "WORKER_SECRET", WORKER_SECRET,
        "IRIS_LOG_LEVEL", "DEBUG")); // every line the servers log, to look for tokens in

    Path users = Files.writeString(dir.resolve("users"), "alice user " + ALICE + "\nbob user " + BOB
        + "\nw1 worker " + WORKER + "\n");
    Path workerToken = Files.writeString(dir.resolve("worker.token"), WORKER + "\n");
    ctl = processes.start("controller", "--host", "127.0.0.1", "--port", Integer.toString(port),
        "--users-file", users.toString());
    Processes.awaitLine(ctl, "iris controller listening on " + controller, WAIT);
    worker = processes.start("worker", "--controller", controller, "--host", "127.0.0.1", "--port", "0",
        "--work-dir", dir.resolve("w1").toString(), "--worker-id", "w1", "--cpu", "4",
        "--token-file", workerToken.toString());
    admin = IrisClient.remote(controller, processes.token());
    alice = IrisClient.remote(controller, ALICE);
    bob = IrisClient.remote(controller, BOB);
    Poll.until(WAIT, "the worker to register", () -> admin.listWorkers().stream()
        .anyMatch(WorkerHealthStatus::getHealthy));
  }

  @AfterAll
  void stopEverything() {
    try {
      for (IrisClient c : new IrisClient[] {admin, alice, bob}) {
        if (c != null) {
          c.close();
        }
      }
    } finally {
      if (processes != null) {
        processes.close();
      }
    }
  }

  @Test
  void aTaskGetsItsOwnJobsTokenAndNeitherTheClustersNorTheWorkersEnvironment() {
    Processes.Run run = processes.run("job", "run", "--name", "env-dump", "--", "/usr/bin/env");

    assertThat(run.exitCode()).as("%s", run).isZero();
    List<String> vars = run.out().stream().map(l -> l.replaceFirst("^\\[task-0] ", "")).toList();
    assertThat(vars).anyMatch(v -> v.startsWith("IRIS_TOKEN=iris-task."));
    assertThat(vars).anyMatch(v -> v.startsWith("IRIS_JOB_ID=env-dump"));
    for (String v : vars) {
      String name = v.substring(0, Math.max(0, v.indexOf('=')));
      assertThat(BASE.contains(name) || name.startsWith("IRIS_")).as("a task's variable: %s", v).isTrue();
    }
    String all = String.join("\n", run.out()) + String.join("\n", run.err());
    assertThat(all).doesNotContain(processes.token()).doesNotContain(WORKER).doesNotContain(WORKER_SECRET);
  }

  @Test
  void aJavaClientInsideATaskLaunchesAChildOfItsJobAndIsRefusedEveryOtherJob() {
    String bobs = bob.submit(JobRequest.command("sleep", "600").name("bob-job").cpu(0)).id();
    String alicesOther = alice.submit(JobRequest.command("sleep", "600").name("alice-other").cpu(0)).id();
    String parent = alice.submit(JobRequest.command("/bin/sh", "-c", "\"$E2E_JAVA\" -cp \"$E2E_CP\" "
            + InTaskScopeProbe.class.getName() + " " + bobs + " " + alicesOther + " && exec sleep 600")
        .name("prober").cpu(0).env("E2E_JAVA", Jvm.java()).env("E2E_CP", Jvm.classpath())).id();

    Poll.until(WAIT, "the probe to finish", () -> logs(parent).stream()
        .anyMatch(l -> l.startsWith("status " + alicesOther) || l.startsWith("error ")));
    List<String> said = logs(parent);
    assertThat(said).contains("child " + parent + "/child", "own JOB_STATE_RUNNING");
    for (String other : List.of(bobs, alicesOther)) {
      assertThat(said).anyMatch(l -> l.startsWith("kill " + other + ": PERMISSION_DENIED the task token of job '"
          + parent + "' may not change job '" + other + "'"));
      assertThat(said).anyMatch(l -> l.startsWith("status " + other + ": PERMISSION_DENIED"));
      assertThat(admin.status(other, false).getState()).isEqualTo(JobState.JOB_STATE_RUNNING);
    }
    JobStatus child = admin.status(parent + "/child", false);
    assertThat(child.getUser()).isEqualTo("alice");
    assertThat(child.getParentJobId()).isEqualTo(parent);
    assertThat(String.join("\n", said)).doesNotContain("iris-task.").doesNotContain(processes.token());

    alice.terminate(parent);
    bob.terminate(bobs);
    alice.terminate(alicesOther);
    assertThat(admin.status(parent + "/child", false).getState()).isEqualTo(JobState.JOB_STATE_KILLED);
  }

  @Test
  void theWorkerProcessTakesNoCallButItsControllers() throws Exception {
    Processes.awaitLine(worker, "iris worker w1 serving on ", WAIT);
    Matcher m = Pattern.compile("serving on 127\\.0\\.0\\.1:(\\d+)").matcher(String.join("\n", worker.lines()));
    assertThat(m.find()).isTrue();
    int port = Integer.parseInt(m.group(1));
    Path marker = dir.resolve("intruder-ran");
    Vertx vertx = Vertx.vertx();
    try {
      GrpcClient grpc = GrpcClient.client(vertx);
      for (String token : List.of("", processes.token(), WORKER)) {
        GrpcWorkerLink direct = new GrpcWorkerLink(grpc, SocketAddress.inetSocketAddress(port, "127.0.0.1"), 10_000,
            token);
        Worker.RunTaskRequest run = Worker.RunTaskRequest.newBuilder().setJobId("intruder").setTaskId("intruder/task-0")
            .setNumTasks(1).setEntrypoint(dev.iris.rpc.CommandEntrypoint.newBuilder()
                .addArgv("/bin/sh").addArgv("-c").addArgv("touch " + marker)).build();
        assertThatThrownBy(() -> direct.runTask(run).toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS))
            .hasCauseInstanceOf(RpcException.class)
            .satisfies(e -> assertThat(((RpcException) e.getCause()).status()).isEqualTo(GrpcStatus.UNAUTHENTICATED));
        assertThat(direct.healthCheck(Empty.getDefaultInstance()).toCompletionStage().toCompletableFuture()
            .get(10, TimeUnit.SECONDS).getHealthy()).isTrue();
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    Thread.sleep(500);
    assertThat(marker).doesNotExist();
  }

  @Test
  void theCliWithoutATokenSaysSoInOneLine() throws Exception {
    Path emptyHome = Files.createDirectories(dir.resolve("empty-home"));
    for (String[] args : List.of(new String[] {"job", "run", "--name", "anonymous", "--", "true"},
        new String[] {"job", "list"})) {
      Processes.Run run = processes.run(Map.of("HOME", emptyHome.toString()), args);

      assertThat(run.exitCode()).as("%s", run).isNotZero();
      assertThat(run.out()).as("%s", run).isEmpty();
      assertThat(run.err()).as("%s", run).singleElement().asString().startsWith("iris: ")
          .contains("no credential").contains("--token-file").contains("IRIS_TOKEN");
    }
    assertThat(admin.listJobs(null, "anonymous")).isEmpty();
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void noServerLogLineHoldsAToken() {
    List<String> lines = new java.util.ArrayList<>(ctl.lines());
    lines.addAll(worker.lines());
    assertThat(lines).isNotEmpty();
    for (String secret : List.of(processes.token(), ALICE, BOB, WORKER, "iris-task.", WORKER_SECRET)) {
      assertThat(lines).noneMatch(l -> l.contains(secret));
    }
  }

  private List<String> logs(String job) {
    return admin.fetchTaskLogs(job, 0, 0, 0).stream().map(Worker.LogEntry::getData).toList();
  }
}
