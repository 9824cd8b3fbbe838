package dev.iris.worker.runtime;

import static dev.iris.worker.runtime.TaskProcesses.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.iris.worker.Poll;
import dev.iris.worker.proc.ProcFs;
import dev.iris.worker.proc.ProcId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProcessTreeKillTest {
  private static final String IGNORES_TERM = "trap '' TERM; sleep 1000 & sleep 1000; wait";

  @TempDir Path dir;
  private TaskProcesses tasks;

  private TaskProcesses tasks(boolean newSession) {
    return tasks(newSession ? "posix_spawn" : "plain");
  }

  /** A runtime that starts processes the given way: {@code posix_spawn}, {@code setsid} or {@code plain}. */
  private TaskProcesses tasks(String launchMethod) {
    ProcessTaskRuntime.Settings settings = new ProcessTaskRuntime.Settings(
        !launchMethod.equals("plain"), Duration.ofSeconds(2), 1024, launchMethod.equals("posix_spawn"));
    tasks = new TaskProcesses(new ProcessTaskRuntime(settings), dir);
    return tasks;
  }

  @AfterEach
  void killEverythingStarted() throws Exception {
    if (tasks != null) {
      tasks.killAllAndClose();
    }
  }

  @ParameterizedTest(name = "started by {0}")
  @ValueSource(strings = {"posix_spawn", "setsid", "plain"})
  void aTreeThatIgnoresSigtermIsKilledAfterTheGrace(String launchMethod) throws Exception {
    RunningTask task = tasks(launchMethod).sh(IGNORES_TERM);
    Poll.until(Duration.ofSeconds(5), "both sleeps to start", () -> TaskProcesses.liveTree(task).size() == 3);
    List<ProcId> tree = TaskProcesses.liveTree(task);

    long started = System.nanoTime();
    int code = await(task.kill(Duration.ofMillis(300)));
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(code).isEqualTo(128 + 9);
    assertThat(took).isBetween(Duration.ofMillis(300), Duration.ofSeconds(5));
    assertThat(tree).noneMatch(ProcFs::isLive);
  }

  @Test
  void aCooperativeProcessEndsOnSigtermWithoutWaitingForTheGrace() throws Exception {
    RunningTask task = tasks(true).start(new LaunchSpec(List.of("sleep", "1000"), dir, Map.of()));
    long started = System.nanoTime();
    assertThat(await(task.kill(Duration.ofSeconds(30)))).isEqualTo(128 + 15);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
  }

  @ParameterizedTest(name = "started by {0}")
  @ValueSource(strings = {"posix_spawn", "setsid"})
  void aReparentedOrphanInTheTaskSessionIsKilledToo(String launchMethod) throws Exception {
    TaskProcesses t = tasks(launchMethod);
    assumeTrue(t.runtime.startsNewSessions(), "setsid is not available");
    RunningTask task = t.sh("sh -c 'sleep 1000 & echo $!'; sleep 1000");
    Poll.until(Duration.ofSeconds(5), "the orphan's pid", () -> !t.sink.of(LineSink.STDOUT).isEmpty());
    long orphan = Long.parseLong(t.sink.of(LineSink.STDOUT).get(0));
    ProcId orphanId = ProcFs.stat(orphan).orElseThrow().id();
    // once its parent shell has exited, the orphan is no longer in the task's process tree
    Poll.until(Duration.ofSeconds(5), "the orphan to be re-parented", () ->
        ProcessHandle.of(task.pid()).orElseThrow().descendants().noneMatch(h -> h.pid() == orphan));

    await(task.kill(Duration.ofMillis(200)));

    assertThat(ProcFs.isLive(orphanId)).isFalse();
  }

  @Test
  void killIsIdempotent() throws Exception {
    RunningTask task = tasks(true).sh(IGNORES_TERM);
    CompletableFuture<Integer> first = task.kill(Duration.ofMillis(100));
    CompletableFuture<Integer> second = task.kill(Duration.ofSeconds(60));
    assertThat(await(second)).isEqualTo(await(first));
  }

  @Test
  void killAfterExitIsANoOpThatReportsTheExitCode() throws Exception {
    RunningTask task = tasks(true).sh("exit 5");
    assertThat(await(task.exitFuture())).isEqualTo(5);
    long started = System.nanoTime();
    assertThat(await(task.kill(Duration.ofSeconds(30)))).isEqualTo(5);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
  }

  @Test
  void killTreeKillsAProcessTreeStartedElsewhere() throws Exception {
    TaskProcesses t = tasks(true);
    Process foreign = new ProcessBuilder("sh", "-c", "sleep 1000 & sleep 1000; wait").start();
    try {
      Poll.until(Duration.ofSeconds(5), "the foreign tree",
          () -> foreign.toHandle().descendants().count() == 2);
      List<ProcessHandle> members = foreign.toHandle().descendants().toList();

      t.runtime.killTree(foreign.toHandle(), Duration.ofSeconds(5)).get(20, TimeUnit.SECONDS);

      assertThat(foreign.isAlive()).isFalse();
      assertThat(members).allSatisfy(m ->
          assertThat(ProcFs.stat(m.pid()).map(s -> s.isLive()).orElse(false)).isFalse());
    } finally {
      foreign.destroyForcibly();
    }
  }
}
