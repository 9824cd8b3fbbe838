package dev.iris.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.iris.client.IrisClient;
import dev.iris.client.IrisException;
import dev.iris.client.JobFailedException;
import dev.iris.client.JobHandle;
import dev.iris.client.JobRequest;
import dev.iris.common.ProtoStates;
import dev.iris.rpc.Controller;
import dev.iris.rpc.JobState;
import dev.iris.rpc.JobStatus;
import dev.iris.rpc.TaskAttempt;
import dev.iris.rpc.TaskState;
import dev.iris.rpc.TaskStatus;
import dev.iris.rpc.Worker;
import dev.iris.worker.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded default end to end: {@code IrisClient.local(2)} (a controller and two in-process workers),
 * real task processes, and only what a user of the public client API sees. One cluster serves every test;
 * each test names its jobs uniquely and kills whatever it left running.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalClusterE2eTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final AtomicInteger SEQ = new AtomicInteger();
  private IrisClient iris;

  @BeforeAll
  void startCluster() {
    iris = IrisClient.local(2);
  }

  @AfterAll
  void stopCluster() {
    if (iris != null) {
      iris.close();
    }
  }

  @AfterEach
  void killLeftovers() {
    for (JobStatus j : iris.listJobs(null, "")) {
      if (!ProtoStates.isFinished(j.getState())) {
        try {
          iris.terminate(j.getJobId());
        } catch (IrisException alreadyGone) {
          // a child killed with its parent
        }
      }
    }
  }

  /** A job name no other test uses. */
  private static String name(String what) {
    return what + "-" + SEQ.incrementAndGet();
  }

  private static JobRequest sh(String script) {
    return JobRequest.command("/bin/sh", "-c", script);
  }

  private List<String> logs(String jobId, int index) {
    return iris.fetchTaskLogs(jobId, index, 0, 0).stream().map(Worker.LogEntry::getData).toList();
  }

  private JobStatus awaitState(String jobId, JobState state) {
    Poll.until(WAIT, jobId + " to be " + ProtoStates.shortName(state),
        () -> iris.status(jobId, false).getState() == state);
    return iris.status(jobId, true);
  }

  private int cpusPerWorker() {
    return iris.listWorkers().stream().mapToInt(w -> w.getMetadata().getCpuCount()).min().orElseThrow();
  }

  // ---------------------------------------------------------------- running jobs

  @Test
  void everyReplicaSeesItsIdentityInItsEnvironment() {
    List<String> streamed = Collections.synchronizedList(new ArrayList<>());
    JobHandle job = iris.submit(sh("echo \"job=$IRIS_JOB_ID task=$IRIS_TASK_ID index=$IRIS_TASK_INDEX"
            + " num=$IRIS_NUM_TASKS attempt=$IRIS_ATTEMPT_ID worker=$IRIS_WORKER_ID"
            + " controller=$IRIS_CONTROLLER_ADDRESS port=$IRIS_PORT_HTTP\"")
        .name(name("env")).replicas(4).port("http"));

    JobStatus done = job.wait(WAIT, true, null, streamed::add);

    assertThat(done.getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    assertThat(done.getTasksSucceeded()).isEqualTo(4);
    Pattern line = Pattern.compile("job=(\\S+) task=(\\S+) index=(\\d+) num=(\\d+) attempt=(\\d+) worker=(\\S+)"
        + " controller=(\\S+) port=(\\d+)");
    for (int i = 0; i < 4; i++) {
      List<String> lines = logs(job.id(), i);
      assertThat(lines).hasSize(1);
      Matcher m = line.matcher(lines.get(0));
      assertThat(m.matches()).as("task %d printed %s", i, lines).isTrue();
      assertThat(m.group(1)).isEqualTo(job.id());
      assertThat(m.group(2)).isEqualTo(job.id() + "/task-" + i);
      assertThat(m.group(3)).isEqualTo(Integer.toString(i));
      assertThat(m.group(4)).isEqualTo("4");
      assertThat(m.group(5)).isEqualTo("0");
      assertThat(m.group(6)).isIn("local-0", "local-1").isEqualTo(iris.taskStatus(job.id(), i).getWorkerId());
      assertThat(m.group(7)).isEqualTo(iris.address());
      assertThat(Integer.parseInt(m.group(8))).isEqualTo(iris.taskStatus(job.id(), i).getPortsMap().get("http"));
      // wait() streamed the same line, prefixed with its task
      assertThat(streamed).contains("[task-" + i + "] " + lines.get(0));
    }
  }

  @Test
  void tasksRunningAtOnceOnDifferentWorkersGetDifferentPorts() {
    // one task fills a worker, so the two tasks run at the same time on the two workers
    JobHandle job = iris.submit(sh("echo $IRIS_WORKER_ID $IRIS_PORT_HTTP $IRIS_PORT_ADMIN; sleep 1")
        .name(name("ports")).replicas(2).cpu(cpusPerWorker()).port("http").port("admin"));

    job.wait(WAIT, false, null, null);

    Set<String> workers = new HashSet<>();
    List<String> ports = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      String[] words = logs(job.id(), i).get(0).split(" ");
      workers.add(words[0]);
      ports.add(words[1]);
      ports.add(words[2]);
    }
    assertThat(workers).containsExactlyInAnyOrder("local-0", "local-1");
    assertThat(ports).doesNotHaveDuplicates();
  }

  @Test
  void waitStreamsEveryTasksLinesAndNamesTheStateOfAFailedJob() {
    List<String> streamed = Collections.synchronizedList(new ArrayList<>());
    JobHandle job = iris.submit(sh("echo out-$IRIS_TASK_INDEX; echo err-$IRIS_TASK_INDEX >&2; exit 3")
        .name(name("fails")).replicas(2).maxTaskFailures(1));

    JobFailedException e = assertThrows(JobFailedException.class, () -> job.wait(WAIT, true, null, streamed::add));

    assertThat(e.job().getState()).isEqualTo(JobState.JOB_STATE_FAILED);
    assertThat(e.getMessage()).startsWith("job " + job.id() + " ended FAILED").contains("Exit code: 3");
    assertThat(e.getMessage()).doesNotContain("\n");
    assertThat(streamed).contains("[task-0] out-0", "[task-0] err-0", "[task-1] out-1", "[task-1] err-1");
  }

  @Test
  void waitStreamsEveryLineOfAChattyTask() {
    List<String> streamed = Collections.synchronizedList(new ArrayList<>());
    JobHandle job = iris.submit(sh("seq 1 25000").name(name("chatty")).replicas(2).cpu(0));

    job.wait(WAIT, true, null, streamed::add);

    for (int i = 0; i < 2; i++) {
      String prefix = "[task-" + i + "] ";
      List<String> lines = streamed.stream().filter(l -> l.startsWith(prefix)).toList();
      assertThat(lines).as("task %d's lines", i).hasSize(25000);
      assertThat(lines.get(0)).isEqualTo(prefix + "1");
      assertThat(lines.get(24999)).isEqualTo(prefix + "25000");
      assertThat(iris.fetchTaskLogs(job.id(), i, 0, 0)).hasSize(25000); // one answer of ~1 MB
    }
  }

  @Test
  void waitOnOneTaskStreamsOnlyItsLinesUnprefixed() {
    List<String> streamed = Collections.synchronizedList(new ArrayList<>());
    JobHandle job = iris.submit(sh("echo hello from $IRIS_TASK_INDEX").name(name("one")).replicas(3));

    job.wait(WAIT, true, 2, streamed::add);

    assertThat(streamed).containsExactly("hello from 2");
  }

  @Test
  void aFailingTaskIsRetriedWithinItsBudgetAndKeepsItsAttemptHistory() {
    JobHandle job = iris.submit(sh("echo attempt $IRIS_ATTEMPT_ID; [ \"$IRIS_ATTEMPT_ID\" -ge 2 ] || exit 5")
        .name(name("retry")).maxRetriesFailure(2));

    JobStatus done = job.wait(WAIT, false, null, null);

    assertThat(done.getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    TaskStatus task = iris.taskStatus(job.id(), 0);
    assertThat(task.getState()).isEqualTo(TaskState.TASK_STATE_SUCCEEDED);
    assertThat(task.getAttemptsList()).extracting(TaskAttempt::getState).containsExactly(
        TaskState.TASK_STATE_FAILED, TaskState.TASK_STATE_FAILED, TaskState.TASK_STATE_SUCCEEDED);
    assertThat(task.getAttemptsList()).extracting(TaskAttempt::getExitCode).containsExactly(5, 5, 0);
    assertThat(task.getFailureCount()).isEqualTo(2);
    assertThat(logs(job.id(), 0)).containsExactly("attempt " + task.getCurrentAttemptId());
  }

  @Test
  void exceedingMaxTaskFailuresFailsTheJobAndKillsTheRemainingTasks() {
    JobHandle job = iris.submit(sh("if [ $IRIS_TASK_INDEX -lt 2 ]; then sleep 0.5; exit 7; fi; exec sleep 600")
        .name(name("domain")).replicas(3).cpu(0).maxTaskFailures(1));

    JobFailedException e = assertThrows(JobFailedException.class, () -> job.wait(WAIT, false, null, null));

    assertThat(e.job().getState()).isEqualTo(JobState.JOB_STATE_FAILED);
    assertThat(iris.listTasks(job.id())).extracting(TaskStatus::getState).containsExactly(
        TaskState.TASK_STATE_FAILED, TaskState.TASK_STATE_FAILED, TaskState.TASK_STATE_KILLED);
  }

  @Test
  void failuresWithinMaxTaskFailuresStillSucceed() {
    JobHandle job = iris.submit(sh("[ $IRIS_TASK_INDEX -ne 0 ] || exit 1").name(name("tolerated")).replicas(3)
        .maxTaskFailures(1));

    JobStatus done = job.wait(WAIT, false, null, null);

    assertThat(done.getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    assertThat(done.getTasksFailed()).isEqualTo(1);
    assertThat(done.getTasksSucceeded()).isEqualTo(2);
  }

  @Test
  void aTaskRunningPastItsTimeoutIsKilledAndFails() {
    JobHandle job = iris.submit(sh("echo started; exec sleep 600").name(name("timeout")).timeout(Duration.ofSeconds(1)));

    JobFailedException e = assertThrows(JobFailedException.class, () -> job.wait(WAIT, false, null, null));

    assertThat(e.job().getState()).isEqualTo(JobState.JOB_STATE_FAILED);
    TaskStatus task = iris.taskStatus(job.id(), 0);
    assertThat(task.getState()).isEqualTo(TaskState.TASK_STATE_FAILED);
    assertThat(task.getError()).containsIgnoringCase("timeout");
    assertThat(task.getFinishedAtMs() - task.getStartedAtMs()).isBetween(900L, 30_000L);
  }

  @Test
  void waitGivesUpAtItsTimeoutAndTerminateKillsEveryTask() {
    JobHandle job = iris.submit(sh("exec sleep 600").name(name("term")).replicas(2).cpu(0));
    awaitState(job.id(), JobState.JOB_STATE_RUNNING);
    Poll.until(WAIT, "both tasks running", () -> job.tasks().stream()
        .allMatch(t -> t.getState() == TaskState.TASK_STATE_RUNNING));

    IrisException notYet = assertThrows(IrisException.class, () -> job.wait(Duration.ofMillis(300), true, null, null));
    assertThat(notYet).isNotInstanceOf(JobFailedException.class);
    assertThat(notYet.status()).isEqualTo("DEADLINE_EXCEEDED");

    job.terminate();

    JobFailedException e = assertThrows(JobFailedException.class, () -> job.wait(WAIT, false, null, null));
    assertThat(e.job().getState()).isEqualTo(JobState.JOB_STATE_KILLED);
    assertThat(e.getMessage()).contains("KILLED");
    assertThat(job.tasks()).extracting(TaskStatus::getState)
        .containsOnly(TaskState.TASK_STATE_KILLED);
  }

  // ---------------------------------------------------------------- queries

  @Test
  void listJobsFiltersByStateAndNamePrefix() {
    String prefix = name("list");
    JobHandle done = iris.submit(sh("true").name(prefix + "-done").cpu(0));
    done.wait(WAIT, false, null, null);
    JobHandle running = iris.submit(sh("exec sleep 600").name(prefix + "-running").cpu(0));
    awaitState(running.id(), JobState.JOB_STATE_RUNNING);
    iris.submit(sh("true").name(name("other")).cpu(0)).wait(WAIT, false, null, null);

    assertThat(iris.listJobs(null, prefix)).extracting(JobStatus::getJobId)
        .containsExactly(running.id(), done.id()); // newest first
    assertThat(iris.listJobs(JobState.JOB_STATE_RUNNING, prefix)).extracting(JobStatus::getJobId)
        .containsExactly(running.id());
    assertThat(iris.listJobs(JobState.JOB_STATE_SUCCEEDED, prefix)).extracting(JobStatus::getJobId)
        .containsExactly(done.id());
    assertThat(iris.listJobs(JobState.JOB_STATE_SUCCEEDED, "")).extracting(JobStatus::getJobId)
        .contains(done.id()).doesNotContain(running.id());
  }

  @Test
  void taskStatusAndListTasksDescribeEveryTask() {
    JobHandle job = iris.submit(sh("exit $IRIS_TASK_INDEX").name(name("tasks")).replicas(2).maxTaskFailures(1));
    job.wait(WAIT, false, null, null);

    List<TaskStatus> tasks = iris.listTasks(job.id());

    assertThat(tasks).extracting(TaskStatus::getTaskId).containsExactly(job.id() + "/task-0", job.id() + "/task-1");
    assertThat(tasks).extracting(TaskStatus::getState)
        .containsExactly(TaskState.TASK_STATE_SUCCEEDED, TaskState.TASK_STATE_FAILED);
    TaskStatus second = iris.taskStatus(job.id(), 1);
    assertThat(second.getTaskIndex()).isEqualTo(1);
    assertThat(second.getJobId()).isEqualTo(job.id());
    assertThat(second.getExitCode()).isEqualTo(1);
    assertThat(second.getWorkerId()).isIn("local-0", "local-1");
    assertThat(second.getAttemptsCount()).isEqualTo(1);
    assertThat(second.getFinishedAtMs()).isGreaterThanOrEqualTo(second.getStartedAtMs()).isPositive();
    IrisException e = assertThrows(IrisException.class, () -> iris.taskStatus(job.id(), 2));
    assertThat(e.status()).isEqualTo("NOT_FOUND");
  }

  @Test
  void fetchTaskLogsAfterATimeAndUpToALimit() {
    JobHandle job = iris.submit(sh("for i in 1 2 3 4 5; do echo early-$i; done; sleep 0.3; echo late-1; echo late-2")
        .name(name("logs")));
    job.wait(WAIT, false, null, null);

    List<Worker.LogEntry> all = iris.fetchTaskLogs(job.id(), 0, 0, 0);
    assertThat(all).extracting(Worker.LogEntry::getData)
        .containsExactly("early-1", "early-2", "early-3", "early-4", "early-5", "late-1", "late-2");
    assertThat(iris.fetchTaskLogs(job.id(), 0, 0, 2)).extracting(Worker.LogEntry::getData)
        .containsExactly("early-1", "early-2");
    long afterEarly = all.get(4).getTimestampMs();
    assertThat(iris.fetchTaskLogs(job.id(), 0, afterEarly, 0)).extracting(Worker.LogEntry::getData)
        .containsExactly("late-1", "late-2");
    assertThat(iris.fetchTaskLogs(job.id(), 0, afterEarly, 1)).extracting(Worker.LogEntry::getData)
        .containsExactly("late-1");
  }

  @Test
  void logsCanBeFetchedFromTheMomentTasksAreSubmitted() {
    // asking without pause from submission on: an assigned task its worker has not received yet has no
    // lines, which is never an error
    long deadline = System.nanoTime() + WAIT.toNanos();
    for (int round = 0; round < 10; round++) {
      JobHandle job = iris.submit(sh("echo ready").name(name("early")).cpu(0));
      while (!logs(job.id(), 0).equals(List.of("ready"))) {
        assertThat(System.nanoTime()).as("the task's line within %s", WAIT).isLessThan(deadline);
      }
    }
  }

  @Test
  void aWorkspaceDirectoryArrivesInTheTasksWorkingDirectory(@TempDir Path workspace) throws Exception {
    Files.writeString(workspace.resolve("data.txt"), "payload-42\n");
    Files.createDirectories(workspace.resolve("sub"));
    Files.writeString(workspace.resolve("sub/inner.txt"), "inner-7\n");
    JobHandle job = iris.submit(sh("cat data.txt; cat sub/inner.txt; pwd").name(name("bundle")).replicas(2)
        .workspace(workspace));

    job.wait(WAIT, false, null, null);

    for (int i = 0; i < 2; i++) {
      List<String> lines = logs(job.id(), i);
      assertThat(lines).hasSize(3);
      assertThat(lines.subList(0, 2)).containsExactly("payload-42", "inner-7");
      assertThat(Path.of(lines.get(2))).isNotEqualTo(workspace);
    }
    assertThat(logs(job.id(), 0).get(2)).isNotEqualTo(logs(job.id(), 1).get(2)); // a directory per attempt
  }

  @Test
  void closingALocalClusterStopsItsTasksAndRemovesItsFiles() {
    Path cwd;
    long pid;
    try (IrisClient own = IrisClient.local(1)) {
      JobHandle job = own.submit(sh("pwd; echo $$; exec sleep 600").name("left-running"));
      Poll.until(WAIT, "the task to print", () -> own.fetchTaskLogs(job.id(), 0, 0, 0).size() == 2);
      List<String> said = own.fetchTaskLogs(job.id(), 0, 0, 0).stream().map(Worker.LogEntry::getData).toList();
      cwd = Path.of(said.get(0));
      pid = Long.parseLong(said.get(1));
      assertThat(cwd).isDirectory();
      assertThat(ProcessHandle.of(pid)).isPresent();
    }

    Poll.until(WAIT, "the task process to end", () -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    // the task ran in {work dir}/{worker}/tasks/{attempt}: nothing of the work dir is left
    assertThat(cwd.getParent().getParent().getParent()).doesNotExist();
  }

  // ---------------------------------------------------------------- from inside a task

  @Test
  void aTaskPublishesAnEndpointAndSubmitsAChildJobThatDiesWithItsParent() {
    String java = Jvm.java();
    JobHandle parent = iris.submit(sh("\"$E2E_JAVA\" -cp \"$E2E_CP\" " + InTaskClient.class.getName() + " && exec sleep 600")
        .name(name("parent")).cpu(0).port("http").env("E2E_JAVA", java).env("E2E_CP", Jvm.classpath()));
    String childId = parent.id() + "/child";

    Poll.until(WAIT, "the task to submit its child", () -> logs(parent.id(), 0).stream()
        .anyMatch(l -> l.startsWith("child ") || l.startsWith("error ")));
    List<String> said = logs(parent.id(), 0);
    assertThat(said).contains("child " + childId);
    int port = iris.taskStatus(parent.id(), 0).getPortsMap().get("http");
    assertThat(said).contains("lookup 127.0.0.1:" + port);

    JobStatus child = awaitState(childId, JobState.JOB_STATE_RUNNING);
    assertThat(child.getParentJobId()).isEqualTo(parent.id());
    assertThat(iris.listJobs(null, parent.id())).extracting(JobStatus::getJobId).contains(parent.id(), childId);
    Controller.Endpoint endpoint = iris.lookupEndpoint(parent.id() + "/svc").orElseThrow();
    assertThat(endpoint.getAddress()).isEqualTo("127.0.0.1:" + port);
    assertThat(endpoint.getTaskId()).isEqualTo(parent.id() + "/task-0");
    assertThat(iris.listEndpoints(parent.id())).extracting(Controller.Endpoint::getName)
        .containsExactly(parent.id() + "/svc");

    parent.terminate();

    awaitState(parent.id(), JobState.JOB_STATE_KILLED);
    awaitState(childId, JobState.JOB_STATE_KILLED);
    Poll.until(WAIT, "the endpoint to go with its task", () -> iris.lookupEndpoint(parent.id() + "/svc").isEmpty());
    assertThat(iris.listEndpoints(parent.id())).isEmpty();
  }

  // ---------------------------------------------------------------- placement

  @Test
  void severalJobsAtOnceAllRunAndTheirReplicasSpreadOverTheWorkers() {
    int wholeWorker = cpusPerWorker(); // one such task fills a worker: two replicas need both workers
    List<JobHandle> jobs = new ArrayList<>();
    for (int j = 0; j < 3; j++) {
      jobs.add(iris.submit(sh("sleep 0.2").name(name("many")).replicas(2).cpu(wholeWorker)));
    }

    for (JobHandle job : jobs) {
      assertThat(job.wait(WAIT, false, null, null).getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
      assertThat(iris.listTasks(job.id())).extracting(TaskStatus::getWorkerId)
          .containsExactlyInAnyOrder("local-0", "local-1");
    }
  }

  @Test
  void anOversizedJobWaitsWithoutHoldingUpASmallOneBehindIt() {
    JobHandle big = iris.submit(sh("true").name(name("oversized")).cpu(4000));
    JobHandle small = iris.submit(sh("echo small").name(name("small")));

    assertThat(small.wait(WAIT, false, null, null).getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    JobStatus waiting = iris.status(big.id(), false);
    assertThat(waiting.getState()).isEqualTo(JobState.JOB_STATE_PENDING);
    assertThat(waiting.getPendingReason()).contains("cpu");
  }

  @Test
  void aCoscheduledJobLandsWholeOnOneGroupAndOneNoGroupCanHoldIsRefused() {
    JobHandle gang = iris.submit(sh("echo $IRIS_TASK_INDEX on $IRIS_WORKER_ID").name(name("gang")).replicas(2)
        .coscheduleBy("cluster"));

    assertThat(gang.wait(WAIT, false, null, null).getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    // task i on the worker whose worker-index is i
    assertThat(logs(gang.id(), 0)).containsExactly("0 on local-0");
    assertThat(logs(gang.id(), 1)).containsExactly("1 on local-1");

    IrisException tooBig = assertThrows(IrisException.class,
        () -> iris.submit(sh("true").name(name("biggang")).replicas(3).coscheduleBy("cluster")));
    assertThat(tooBig.status()).isEqualTo("FAILED_PRECONDITION");
    assertThat(tooBig.getMessage()).contains("needs 3 workers with the same 'cluster'",
        "the largest such group, cluster=local, has 2 (of 2 registered workers)");
  }

  // ---------------------------------------------------------------- refusals

  @Test
  void aTaskNoWorkerCanTakeExplainsWhyAndBecomesUnschedulable() {
    JobHandle job = iris.submit(sh("true").name(name("huge")).cpu(4000).schedulingTimeout(Duration.ofSeconds(2)));

    Poll.until(WAIT, "a pending reason", () -> !iris.status(job.id(), false).getPendingReason().isEmpty());
    assertThat(iris.status(job.id(), false).getPendingReason()).contains("cpu");
    assertThat(iris.taskStatus(job.id(), 0).getPendingReason()).contains("cpu");

    JobFailedException e = assertThrows(JobFailedException.class, () -> job.wait(WAIT, false, null, null));
    assertThat(e.job().getState()).isEqualTo(JobState.JOB_STATE_UNSCHEDULABLE);
    assertThat(e.getMessage()).contains("UNSCHEDULABLE");
    assertThat(iris.taskStatus(job.id(), 0).getState()).isEqualTo(TaskState.TASK_STATE_UNSCHEDULABLE);
  }

  @Test
  void badRequestsAreRefusedWithOneClearLine() {
    IrisException noReplicas = assertThrows(IrisException.class,
        () -> iris.submit(sh("true").name(name("zero")).replicas(0)));
    assertThat(noReplicas.status()).isEqualTo("INVALID_ARGUMENT");
    assertThat(noReplicas.getMessage()).contains("replicas").doesNotContain("\n");

    IrisException unknown = assertThrows(IrisException.class, () -> iris.status("no-such-job", false));
    assertThat(unknown.status()).isEqualTo("NOT_FOUND");
    assertThat(unknown.getMessage()).isEqualTo("job no-such-job not found");
    assertThatThrownBy(() -> iris.terminate("no-such-job")).isInstanceOf(IrisException.class)
        .hasMessageContaining("no-such-job");
    assertThatThrownBy(() -> iris.fetchTaskLogs("no-such-job", 0, 0, 0)).isInstanceOf(IrisException.class)
        .hasMessageContaining("no-such-job");
    assertThatThrownBy(() -> iris.wait("no-such-job", WAIT, true, null, null)).isInstanceOf(IrisException.class)
        .isNotInstanceOf(JobFailedException.class).hasMessageContaining("no-such-job");

    String taken = name("taken");
    iris.submit(sh("exec sleep 600").name(taken).cpu(0));
    IrisException twice = assertThrows(IrisException.class, () -> iris.submit(sh("true").name(taken)));
    assertThat(twice.status()).isEqualTo("ALREADY_EXISTS");
    assertThat(twice.getMessage()).contains(taken + " is already running");

    IrisException address = assertThrows(IrisException.class, () -> IrisClient.remote("no port here"));
    assertThat(address.status()).isEqualTo("INVALID_ARGUMENT");
  }
}
