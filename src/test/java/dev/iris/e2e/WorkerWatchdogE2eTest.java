package dev.iris.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.client.IrisClient;
import dev.iris.client.JobRequest;
import dev.iris.rpc.TaskState;
import dev.iris.worker.Poll;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker's watchdog with real processes: an {@code iris controller} and {@code iris worker} JVMs. A
 * SIGKILLed worker's task is stopped by its companion within seconds (before, it ran on as an orphan
 * next to the controller's retry), and a second worker on a work dir in use is refused.
 */
@Tag("slow")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkerWatchdogE2eTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private Path dir;
  private Processes processes;
  private String controller;

  @BeforeAll
  void startController(@TempDir Path tempDir) {
    dir = tempDir;
    int port = Processes.freePort();
    controller = "127.0.0.1:" + port;
    processes = new Processes(dir, Map.of("IRIS_CONTROLLER_ADDRESS", controller));
    Processes.Server ctl = processes.start("controller", "--host", "127.0.0.1", "--port", Integer.toString(port));
    Processes.awaitLine(ctl, "iris controller listening on " + controller, WAIT);
  }

  @AfterAll
  void stopEverything() {
    if (processes != null) {
      processes.close();
    }
  }

  @Test
  void aSigkilledWorkersTaskIsStoppedByItsCompanion() throws Exception {
    Path workDir = dir.resolve("victim");
    Processes.Server worker = startWorker("victim", workDir);
    ProcessHandle companion = companionOf(worker);
    processes.track(companion);
    Path pidFile = dir.resolve("task.pid");
    long taskPid;
    try (IrisClient iris = IrisClient.remote(controller, processes.token())) {
      String job = iris.submit(JobRequest.command("/bin/sh", "-c", "echo $$ > " + pidFile + "; exec sleep 1000")
          .name("orphan-to-be").cpu(0)).id();
      Poll.until(WAIT, "the task to write its pid", () -> lines(pidFile).size() == 1);
      // RUNNING is reported once the worker recorded the process (a crash before that leaves it unknown)
      Poll.until(WAIT, "the task to run", () -> iris.taskStatus(job, 0).getState() == TaskState.TASK_STATE_RUNNING);
      taskPid = Long.parseLong(lines(pidFile).get(0).trim());
    }
    ProcessHandle task = ProcessHandle.of(taskPid).orElseThrow();
    processes.track(task);
    assertThat(worker.process().descendants()).contains(task);

    long killedAt = System.nanoTime();
    worker.process().destroyForcibly(); // SIGKILL, by the worker's own handle

    try {
      Poll.until(Duration.ofSeconds(10), "the orphaned task to be stopped", () -> !alive(taskPid));
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; cleanup.log: " + lines(workDir.resolve("cleanup.log"))
          + "; task " + Processes.commandLine(taskPid) + "; companion " + Processes.commandLine(companion.pid()), e);
    }
    long goneMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
    Poll.until(Duration.ofSeconds(20), "the companion to exit", () -> !alive(companion.pid()));
    long companionMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
    System.out.printf("watchdog: task gone %d ms after the worker's SIGKILL, companion exited after %d ms%n",
        goneMs, companionMs);
    lines(workDir.resolve("cleanup.log")).forEach(l -> System.out.println("cleanup.log: " + l));
    assertThat(Files.readString(workDir.resolve("cleanup.log"))).as("cleanup.log")
        .contains("worker " + worker.process().pid() + " of " + workDir + " is gone")
        .contains("killed 1 process tree(s)");
    assertThat(workDir.resolve("tasks")).isEmptyDirectory();
  }

  @Test
  void aSecondWorkerOnAWorkDirInUseFailsFast() throws Exception {
    Path workDir = dir.resolve("shared");
    Processes.Server first = startWorker("first", workDir);
    processes.track(companionOf(first));

    long before = System.nanoTime();
    Processes.Run second = processes.run("worker", "--controller", controller, "--host", "127.0.0.1", "--port", "0",
        "--work-dir", workDir.toString(), "--worker-id", "second", "--task-ports", "36000-36999");

    assertThat(second.exitCode()).as("%s", second).isNotZero();
    assertThat(second.out()).as("%s", second).isEmpty();
    assertThat(second.err()).as("%s", second).singleElement().asString()
        .isEqualTo("iris: cannot start worker second on 127.0.0.1:0: work dir " + workDir
            + " is in use by another worker (pid " + first.process().pid() + ")");
    assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(15));
    assertThat(first.process().isAlive()).isTrue();
    assertThat(Files.readString(workDir.resolve("worker.lock"))).isEqualTo(first.process().pid() + " worker\n");
  }

  private Processes.Server startWorker(String id, Path workDir) {
    Processes.Server worker = processes.start("worker", "--controller", controller, "--host", "127.0.0.1",
        "--port", "0", "--work-dir", workDir.toString(), "--worker-id", id, "--cpu", "1",
        "--task-ports", "35000-35999");
    Processes.awaitLine(worker, "iris worker " + id + " serving", WAIT);
    return worker;
  }

  /** The worker's companion: its child running the watchdog script (found before the worker dies). */
  private static ProcessHandle companionOf(Processes.Server worker) {
    List<ProcessHandle> found = worker.process().children()
        .filter(Processes::isWatchdog)
        .toList();
    assertThat(found).as("the watchdog companions of the worker").hasSize(1);
    return found.get(0);
  }

  /** Alive and not a zombie (an orphan's zombie waits for a reaper we do not control). */
  private static boolean alive(long pid) {
    if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      try {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
      } catch (IOException gone) {
        return false;
      }
    }
    return false;
  }

  private static List<String> lines(Path file) {
    return Processes.readLines(file);
  }
}
