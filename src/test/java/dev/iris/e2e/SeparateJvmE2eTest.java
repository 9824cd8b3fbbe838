package dev.iris.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import dev.iris.client.IrisClient;
import dev.iris.client.JobRequest;
import dev.iris.common.ProtoStates;
import dev.iris.rpc.JobState;
import dev.iris.rpc.JobStatus;
import dev.iris.rpc.TaskAttempt;
import dev.iris.rpc.TaskState;
import dev.iris.rpc.TaskStatus;
import dev.iris.rpc.Worker;
import dev.iris.rpc.WorkerHealthStatus;
import dev.iris.worker.Poll;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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
 * Iris as users deploy it: {@code iris controller} and two {@code iris worker}s as separate JVMs, driven
 * by {@code iris} CLI runs (more JVMs) and the Java client over real gRPC. Killing a worker runs last,
 * as it leaves one worker.
 */
@Tag("slow")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SeparateJvmE2eTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Pattern STACK_TRACE = Pattern.compile("(?s).*(\\bat [a-z]+\\.|Exception\\b).*");
  private Path dir;
  private Processes processes;
  private String controller;
  private final Map<String, Processes.Server> workers = new HashMap<>();
  private IrisClient iris;

  @BeforeAll
  void startClusterProcesses(@TempDir Path tempDir) {
    dir = tempDir;
    int port = Processes.freePort();
    controller = "127.0.0.1:" + port;
    // every process gets a variable standing for a worker's own secret: no task may see it
    processes = new Processes(dir, Map.of("IRIS_CONTROLLER_ADDRESS", controller, "WORKER_ONLY_SECRET", "hunter2"));
    Processes.Server ctl = processes.start("controller", "--host", "127.0.0.1", "--port", Integer.toString(port));
    Processes.awaitLine(ctl, "iris controller listening on " + controller, WAIT);
    // two workers on one machine: disjoint task port ranges, as WorkerConfig asks
    Map<String, String> taskPorts = Map.of("w1", "30000-34999", "w2", "35000-39999");
    for (String id : List.of("w1", "w2")) {
      workers.put(id, processes.start("worker", "--controller", controller, "--host", "127.0.0.1", "--port", "0",
          "--work-dir", dir.resolve(id).toString(), "--worker-id", id, "--cpu", "2", "--attribute", "name=" + id,
          "--task-ports", taskPorts.get(id)));
    }
    iris = IrisClient.remote(controller, processes.token());
    Poll.until(WAIT, "both workers to register", () -> iris.listWorkers().stream()
        .filter(WorkerHealthStatus::getHealthy).count() == 2);
  }

  @AfterAll
  void stopEverything() {
    try {
      if (iris != null) {
        iris.close();
      }
    } finally {
      if (processes != null) {
        processes.close();
      }
    }
  }

  // ---------------------------------------------------------------- the CLI against the cluster

  @Test
  void jobRunStreamsEveryTasksLinesAndExitsZero() {
    Processes.Run run = processes.run("job", "run", "--name", "cli-ok", "--replicas", "2", "--",
        "/bin/sh", "-c", "echo hello from $IRIS_TASK_INDEX on $IRIS_WORKER_ID");

    assertThat(run.exitCode()).as("%s", run).isZero();
    assertThat(run.out()).hasSize(2).allMatch(l -> l.matches("\\[task-[01]] hello from [01] on w[12]"));
    assertThat(run.out()).anyMatch(l -> l.startsWith("[task-0] hello from 0"))
        .anyMatch(l -> l.startsWith("[task-1] hello from 1"));
    assertThat(run.err()).last().asString().isEqualTo("iris: job cli-ok SUCCEEDED (2/2 tasks)");
  }

  @Test
  void aTaskGetsItsJobsVariablesAndABaseNotTheWorkersWholeEnvironment() {
    Processes.Run run = processes.run("job", "run", "--name", "env-check", "--env", "MINE=yes", "--", "/usr/bin/env");
    assertThat(run.exitCode()).as("%s", run).isZero();
    assertThat(run.out()).contains("[task-0] MINE=yes", "[task-0] PATH=" + System.getenv("PATH"))
        .anyMatch(l -> l.startsWith("[task-0] IRIS_TASK_ID=env-check/task-0"))
        .noneMatch(l -> l.contains("WORKER_ONLY_SECRET"));
  }

  @Test
  void aFailingJobExitsNonZeroNamingItsState() {
    Processes.Run run = processes.run("job", "run", "--name", "cli-fail", "--",
        "/bin/sh", "-c", "echo boom; exit 3");

    assertThat(run.exitCode()).as("%s", run).isEqualTo(1);
    assertThat(run.out()).containsExactly("[task-0] boom");
    assertThat(run.err()).last().asString().isEqualTo("iris: job cli-fail ended FAILED: task-0: Exit code: 3");
  }

  @Test
  void interruptingJobRunDetachesAndLeavesTheJobRunning() throws Exception {
    Processes.Server run = processes.start("job", "run", "--name", "cli-detach", "--cpu", "0", "--",
        "/bin/sh", "-c", "echo started; exec sleep 600");
    Poll.until(WAIT, "the task's first line streamed", () -> run.lines().contains("[task-0] started"));

    run.process().destroy(); // SIGTERM: the same shutdown path as Ctrl+C's SIGINT
    assertThat(run.process().waitFor(30, TimeUnit.SECONDS)).isTrue();

    assertThat(run.lines()).contains(
        "iris: detached; job cli-detach keeps running (iris job logs cli-detach --follow, iris job kill cli-detach)");
    assertThat(iris.status("cli-detach", false).getState()).isEqualTo(JobState.JOB_STATE_RUNNING);
    iris.terminate("cli-detach");
  }

  @Test
  void statusListLogsAndKillOfARunningJob() throws Exception {
    Processes.Run submitted = processes.run("job", "run", "--no-wait", "--name", "cli-sleepy", "--replicas", "2",
        "--cpu", "0", "--", "/bin/sh", "-c", "echo up $IRIS_TASK_INDEX; exec sleep 600");
    assertThat(submitted.exitCode()).as("%s", submitted).isZero();
    assertThat(submitted.out()).containsExactly("cli-sleepy");
    Poll.until(WAIT, "both tasks to print", () -> iris.status("cli-sleepy", true).getTasksList().stream()
        .allMatch(t -> t.getState() == TaskState.TASK_STATE_RUNNING)
        && !iris.fetchTaskLogs("cli-sleepy", 1, 0, 0).isEmpty());

    Processes.Run status = processes.run("job", "status", "cli-sleepy", "--json");
    assertThat(status.exitCode()).as("%s", status).isZero();
    JobStatus.Builder parsed = JobStatus.newBuilder();
    JsonFormat.parser().merge(String.join("\n", status.out()), parsed);
    assertThat(parsed.getJobId()).isEqualTo("cli-sleepy");
    assertThat(parsed.getState()).isEqualTo(JobState.JOB_STATE_RUNNING);
    assertThat(parsed.getNumTasks()).isEqualTo(2);
    assertThat(parsed.getTasksRunning()).isEqualTo(2);
    assertThat(parsed.getEntrypoint().getArgvList()).containsExactly("/bin/sh", "-c", "echo up $IRIS_TASK_INDEX; exec sleep 600");

    Processes.Run list = processes.run("job", "list", "--prefix", "cli-sleepy");
    assertThat(list.exitCode()).as("%s", list).isZero();
    assertThat(list.out()).hasSize(2);
    assertThat(list.out().get(0)).startsWith("JOB");
    assertThat(list.out().get(1)).startsWith("cli-sleepy").contains("RUNNING").contains("0/2 succeeded, 2 running");

    Processes.Run logs = processes.run("job", "logs", "cli-sleepy", "--task", "1");
    assertThat(logs.exitCode()).as("%s", logs).isZero();
    assertThat(logs.out()).containsExactly("up 1");

    Processes.Run kill = processes.run("job", "kill", "cli-sleepy");
    assertThat(kill.exitCode()).as("%s", kill).isZero();
    assertThat(kill.out()).containsExactly("killed cli-sleepy (KILLED)");
    assertThat(iris.listTasks("cli-sleepy")).extracting(TaskStatus::getState).containsOnly(TaskState.TASK_STATE_KILLED);

    Processes.Run again = processes.run("job", "kill", "cli-sleepy");
    assertThat(again.exitCode()).as("%s", again).isZero();
    assertThat(again.out()).containsExactly("job cli-sleepy already ended KILLED; nothing to kill");
  }

  @Test
  void tasksOnTwoWorkerProcessesOfOneMachineGetDifferentPorts() {
    // --cpu 2 fills a worker: the two tasks run at the same time, one on each worker
    Processes.Run run = processes.run("job", "run", "--name", "cli-ports", "--replicas", "2", "--cpu", "2",
        "--port", "http", "--", "/bin/sh", "-c", "echo $IRIS_WORKER_ID $IRIS_PORT_HTTP; sleep 1");

    assertThat(run.exitCode()).as("%s", run).isZero();
    assertThat(run.out()).hasSize(2);
    Map<String, Integer> portByWorker = new HashMap<>();
    for (String line : run.out()) {
      String[] words = line.split(" ");
      portByWorker.put(words[1], Integer.parseInt(words[2]));
    }
    assertThat(portByWorker.keySet()).containsExactlyInAnyOrder("w1", "w2");
    assertThat(portByWorker.get("w1")).isBetween(30000, 34999);
    assertThat(portByWorker.get("w2")).isBetween(35000, 39999);
  }

  @Test
  void aLargeWorkspaceAndLargeLogsCrossProcessBoundaries() throws Exception {
    Path workspace = Files.createDirectories(dir.resolve("big-workspace"));
    byte[] noise = new byte[1 << 20]; // 1 MiB that does not compress: the bundle is larger than 256 KiB
    new java.util.Random(7).nextBytes(noise);
    Files.write(workspace.resolve("noise.bin"), noise);

    Processes.Run run = processes.run("job", "run", "--name", "cli-big", "--workspace", workspace.toString(),
        "--", "/bin/sh", "-c", "wc -c < noise.bin; seq 1 30000");

    assertThat(run.exitCode()).as("%s", run).isZero();
    assertThat(run.out()).hasSize(30001).startsWith("[task-0] 1048576").endsWith("[task-0] 30000");
    Processes.Run logs = processes.run("job", "logs", "cli-big", "--task", "0");
    assertThat(logs.exitCode()).as("%s", logs).isZero();
    assertThat(logs.out()).hasSize(30001).endsWith("30000");
  }

  @Test
  void workerListShowsBothWorkers() {
    Processes.Run run = processes.run("worker", "list");

    assertThat(run.exitCode()).as("%s", run).isZero();
    assertThat(run.out().get(0)).startsWith("WORKER");
    assertThat(run.out()).anyMatch(l -> l.matches("w1\\s+127\\.0\\.0\\.1:\\d+\\s+healthy\\s+.*\\{name=w1}"))
        .anyMatch(l -> l.matches("w2\\s+127\\.0\\.0\\.1:\\d+\\s+healthy\\s+.*\\{name=w2}"));
  }

  @Test
  void anUnreachableControllerIsOneLineOfError() {
    String nowhere = "127.0.0.1:" + Processes.freePort();
    for (String[] args : List.of(
        new String[] {"job", "run", "--controller", nowhere, "--", "true"},
        new String[] {"worker", "list", "--controller", nowhere})) {
      Processes.Run run = processes.run(args);

      assertThat(run.exitCode()).as("%s", run).isNotZero();
      assertThat(run.out()).as("%s", run).isEmpty();
      assertThat(run.err()).as("%s", run).singleElement().asString()
          .startsWith("iris: ").contains(nowhere).doesNotMatch(STACK_TRACE);
    }
  }

  @Test
  void badFlagsAreOneLineOfErrorAndAHint() {
    Processes.Run run = processes.run("job", "run", "--replicas", "two", "--", "true");

    assertThat(run.exitCode()).as("%s", run).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).as("%s", run).containsExactly(
        "iris: invalid value for option '--replicas': 'two' is not an int",
        "Try 'iris job run --help' for more information.");
  }

  // ---------------------------------------------------------------- iris local --demo

  @Test
  void localDemoServesTheDashboardAndLeavesNoProcessBehind() throws Exception {
    int port = Processes.freePort();
    Processes.Server local = processes.start("local", "--demo", "--port", Integer.toString(port));
    String url = "http://127.0.0.1:" + port + "/";
    Processes.awaitLine(local, "  dashboard:  " + url, WAIT);
    Processes.awaitLine(local, "  demo job:   demo (4 tasks)", WAIT);

    HttpResponse<String> anonymous = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(anonymous.statusCode()).as("no token: to the login page").isEqualTo(302);
    assertThat(anonymous.headers().firstValue("location").orElse("")).startsWith("/login.html");
    // iris local wrote its token where the same user's clients look: ~/.iris/token
    HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
        .header("authorization", "Bearer " + processes.token())
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).containsIgnoringCase("<html");
    Processes.Run list = processes.run("job", "list", "--controller", "127.0.0.1:" + port);
    assertThat(list.exitCode()).as("the CLI needs no token flag: %s", list).isZero();
    assertThat(String.join("\n", list.out())).contains("demo");

    ProcessHandle handle = local.process().toHandle();
    Poll.until(WAIT, "the demo's four tasks to run",
        () -> handle.children().filter(p -> !Processes.isWatchdog(p)).count() >= 4);
    // the task shells and their sleeps, and each worker's watchdog companion: all must be gone at the end
    List<ProcessHandle> tasks = handle.descendants().toList();
    ProcessHandle aTask = tasks.stream().filter(p -> !Processes.isWatchdog(p)).findFirst().orElseThrow();
    // a task runs under {work dir}/{worker}/; without --work-dir that is a temporary iris-local-* directory
    Path workDir = Files.readSymbolicLink(Path.of("/proc", Long.toString(aTask.pid()), "cwd"));
    while (workDir != null && !workDir.getFileName().toString().startsWith("iris-local-")) {
      workDir = workDir.getParent();
    }
    assertThat(workDir).as("the temporary work directory").isNotNull().isDirectory();

    local.process().destroy(); // SIGTERM

    assertThat(local.process().onExit().get(30, java.util.concurrent.TimeUnit.SECONDS).isAlive()).isFalse();
    Poll.until(Duration.ofSeconds(15), "the demo's task processes to be gone",
        () -> tasks.stream().noneMatch(ProcessHandle::isAlive));
    assertThat(workDir).doesNotExist();
  }

  // ---------------------------------------------------------------- losing a worker (last: leaves one)

  @Test
  @Order(Integer.MAX_VALUE)
  void aTaskOnAKilledWorkerIsRetriedOnTheOtherWorker() {
    String job = iris.submit(JobRequest.command("/bin/sh", "-c",
            "if [ $IRIS_ATTEMPT_ID = 0 ]; then echo first; exec sleep 600; fi; echo retried on $IRIS_WORKER_ID")
        .name("survivor").cpu(0).maxRetriesPreemption(3)).id();
    Poll.until(WAIT, "the first attempt to run", () -> iris.fetchTaskLogs(job, 0, 0, 0).size() == 1);
    String victimId = iris.taskStatus(job, 0).getWorkerId();
    String otherId = victimId.equals("w1") ? "w2" : "w1";
    Process victim = workers.get(victimId).process();
    victim.descendants().forEach(processes::track); // its task outlives a SIGKILLed worker: stop it at the end

    victim.destroyForcibly(); // SIGKILL, by the worker's own handle

    Poll.until(WAIT, "the job to finish", () -> ProtoStates.isFinished(iris.status(job, false).getState()));
    assertThat(iris.status(job, false).getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    TaskStatus task = iris.taskStatus(job, 0);
    assertThat(task.getAttemptsList()).hasSize(2);
    TaskAttempt lost = task.getAttempts(0);
    assertThat(lost.getState()).isEqualTo(TaskState.TASK_STATE_WORKER_FAILED);
    assertThat(lost.getIsWorkerFailure()).isTrue();
    assertThat(lost.getWorkerId()).isEqualTo(victimId);
    assertThat(task.getAttempts(1).getState()).isEqualTo(TaskState.TASK_STATE_SUCCEEDED);
    assertThat(task.getAttempts(1).getWorkerId()).isEqualTo(otherId);
    assertThat(task.getPreemptionCount()).isEqualTo(1);
    assertThat(iris.fetchTaskLogs(job, 0, 0, 0)).extracting(Worker.LogEntry::getData)
        .containsExactly("retried on " + otherId);
    Optional<WorkerHealthStatus> dead = iris.listWorkers().stream()
        .filter(w -> w.getWorkerId().equals(victimId)).findFirst();
    assertThat(dead).hasValueSatisfying(w -> assertThat(w.getHealthy()).isFalse());
  }

  // ---------------------------------------------------------------- helpers
}
