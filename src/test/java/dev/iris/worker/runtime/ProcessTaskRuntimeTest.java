package dev.iris.worker.runtime;

import static dev.iris.worker.runtime.TaskProcesses.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.iris.worker.Poll;
import dev.iris.worker.proc.ProcFs;
import dev.iris.worker.proc.ProcStat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs every test with {@code posix_spawn}; {@link JdkSpawnRuntimeTest} runs them again with ProcessBuilder. */
class ProcessTaskRuntimeTest {
  @TempDir Path dir;
  private TaskProcesses tasks;

  /** Whether the runtime under test may start processes with {@code posix_spawn}. */
  boolean posixSpawn() {
    return true;
  }

  private TaskProcesses tasks(ProcessTaskRuntime.Settings settings) {
    tasks = new TaskProcesses(new ProcessTaskRuntime(settings.withPosixSpawn(posixSpawn())), dir);
    return tasks;
  }

  private TaskProcesses tasks() {
    return tasks(ProcessTaskRuntime.Settings.defaults());
  }

  @AfterEach
  void killEverythingStarted() throws Exception {
    if (tasks != null) {
      tasks.killAllAndClose();
    }
  }

  @Test
  void exitCodeOfTheCommandIsReported() throws Exception {
    TaskProcesses t = tasks();
    assertThat(await(t.sh("exit 0").exitFuture())).isZero();
    assertThat(await(t.sh("exit 3").exitFuture())).isEqualTo(3);
    assertThat(await(t.start(new LaunchSpec(List.of("false"), dir, Map.of())).exitFuture())).isEqualTo(1);
  }

  @Test
  void linesArriveInOrderWithTheirSource() throws Exception {
    TaskProcesses t = tasks();
    await(t.sh("echo one; echo two >&2; echo three; printf 'four\\r\\n' >&2").exitFuture());
    assertThat(t.sink.of(LineSink.STDOUT)).containsExactly("one", "three");
    assertThat(t.sink.of(LineSink.STDERR)).containsExactly("two", "four");
  }

  @Test
  void everyLineIsDeliveredBeforeTheExitIsReported() throws Exception {
    TaskProcesses t = tasks();
    await(t.sh("seq 1 20000; printf 'no newline at the end'").exitFuture());
    List<String> expected = IntStream.rangeClosed(1, 20000).mapToObj(Integer::toString)
        .collect(Collectors.toList());
    expected.add("no newline at the end");
    assertThat(t.sink.of(LineSink.STDOUT)).isEqualTo(expected);
  }

  @Test
  void theLastLineBeforeExitIsNeverLost() throws Exception {
    TaskProcesses t = tasks();
    for (int i = 0; i < 30; i++) {
      RecordingSink sink = new RecordingSink();
      RunningTask task = t.runtime.start(LaunchSpec.shell("echo last-" + i + "; exit 7", dir, Map.of()), sink);
      assertThat(await(task.exitFuture())).isEqualTo(7);
      assertThat(sink.of(LineSink.STDOUT)).containsExactly("last-" + i);
    }
  }

  @Test
  void longLinesAreDeliveredInBoundedPiecesWithoutSplittingCharacters() throws Exception {
    TaskProcesses t = tasks(new ProcessTaskRuntime.Settings(true, Duration.ofSeconds(2), 16));
    String line = "é".repeat(20) + "abc"; // 43 bytes of UTF-8
    await(t.sh("printf '%s\\n' '" + line + "'").exitFuture());
    List<String> pieces = t.sink.of(LineSink.STDOUT);
    assertThat(pieces).hasSizeGreaterThan(2);
    assertThat(String.join("", pieces)).isEqualTo(line);
    assertThat(pieces).allSatisfy(p -> assertThat(p.getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(16));
  }

  @Test
  void aProgramThatDoesNotExistFailsWithAClearMessage() {
    TaskProcesses t = tasks();
    assertThatThrownBy(() -> t.start(new LaunchSpec(List.of("nosuchcmd-iris"), dir, Map.of())))
        .isInstanceOf(TaskStartException.class)
        .hasMessage("cannot start 'nosuchcmd-iris': No such file or directory");
    assertThatThrownBy(() -> t.start(new LaunchSpec(List.of("./missing.sh"), dir, Map.of())))
        .hasMessage("cannot start './missing.sh': No such file or directory");
  }

  @Test
  void aFileThatIsNotExecutableFailsWithAClearMessage() throws Exception {
    TaskProcesses t = tasks();
    Files.writeString(dir.resolve("script.sh"), "#!/bin/sh\necho hi\n");
    assertThatThrownBy(() -> t.start(new LaunchSpec(List.of("./script.sh"), dir, Map.of())))
        .isInstanceOf(TaskStartException.class)
        .hasMessage("cannot start './script.sh': Permission denied");
  }

  @Test
  void aMissingWorkingDirectoryFailsWithAClearMessage() {
    TaskProcesses t = tasks();
    Path missing = dir.resolve("nope");
    assertThatThrownBy(() -> t.start(new LaunchSpec(List.of("true"), missing, Map.of())))
        .isInstanceOf(TaskStartException.class)
        .hasMessage("cannot start 'true': working directory '" + missing + "' does not exist");
  }

  @Test
  void specEnvironmentIsAppliedOnTopOfTheInheritedOne() throws Exception {
    TaskProcesses t = tasks();
    await(t.sh("echo \"$IRIS_TASK_ID|$HOME\"; test -n \"$PATH\" && echo has-path",
        Map.of("IRIS_TASK_ID", "job-1/task-0", "HOME", "/custom/home")).exitFuture());
    assertThat(t.sink.of(LineSink.STDOUT)).containsExactly("job-1/task-0|/custom/home", "has-path");
  }

  @Test
  void theProcessRunsInItsWorkingDirectoryWithEmptyInput() throws Exception {
    TaskProcesses t = tasks();
    await(t.sh("pwd -P; cat; echo read-all-input").exitFuture());
    assertThat(t.sink.of(LineSink.STDOUT)).containsExactly(dir.toRealPath().toString(), "read-all-input");
  }

  @Test
  void aFailingSinkDoesNotStallTheTask() throws Exception {
    TaskProcesses t = tasks();
    RunningTask task = t.runtime.start(LaunchSpec.shell("seq 1 200000", dir, Map.of()), (source, line) -> {
      throw new IllegalStateException("sink is broken");
    });
    assertThat(await(task.exitFuture())).isZero();
  }

  @Test
  void anOrphanHoldingTheOutputOpenDelaysTheExitOnlyByTheDrainTimeout() throws Exception {
    TaskProcesses t = tasks(new ProcessTaskRuntime.Settings(true, Duration.ofMillis(200), 1024));
    RunningTask task = t.sh("sleep 1000 & echo $!");
    long started = System.nanoTime();
    assertThat(await(task.exitFuture())).isZero();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    long orphan = Long.parseLong(t.sink.of(LineSink.STDOUT).get(0));
    assertThat(ProcFs.stat(orphan).orElseThrow().isLive()).isTrue();

    assertThat(await(task.kill(Duration.ofSeconds(5)))).isZero();
    Poll.until(Duration.ofSeconds(1), "the orphan to be gone",
        () -> ProcFs.stat(orphan).map(s -> !s.isLive()).orElse(true));
  }

  @Test
  void startInstantIsKnownForARunningProcess() throws Exception {
    TaskProcesses t = tasks();
    RunningTask task = t.sh("sleep 1000");
    Instant reportedByJdk = ProcessHandle.of(task.pid()).orElseThrow().info().startInstant().orElseThrow();
    assertThat(task.startInstant()).hasValueSatisfying(started ->
        assertThat(Duration.between(started, reportedByJdk).abs()).isLessThan(Duration.ofSeconds(1)));
  }

  @Test
  void onLinuxProcessesStartThroughPosixSpawnUnlessTurnedOff() {
    assumeTrue(ProcFs.available(), "Linux only");
    assertThat(tasks().runtime.launchMethod()).isEqualTo(posixSpawn() ? "posix_spawn" : "setsid");
  }

  @Test
  void theProcessLeadsASessionOfItsOwnAndInheritsNoDescriptors() throws Exception {
    assumeTrue(ProcFs.available(), "Linux only");
    TaskProcesses t = tasks();
    RunningTask task = t.sh("ls /proc/$$/fd; sleep 1000");
    Poll.until(Duration.ofSeconds(5), "the listing", () -> !t.sink.of(LineSink.STDOUT).isEmpty());
    ProcStat stat = ProcFs.stat(task.pid()).orElseThrow();
    assertThat(stat.session()).isEqualTo(task.pid());
    assertThat(stat.pid()).isEqualTo(task.pid());
    Poll.until(Duration.ofSeconds(5), "fds 0 1 2", () -> t.sink.of(LineSink.STDOUT).size() >= 3);
    assertThat(t.sink.of(LineSink.STDOUT)).containsExactly("0", "1", "2");
  }

  @Test
  void aProcessKilledByASignalExitsWith128PlusTheSignal() throws Exception {
    TaskProcesses t = tasks();
    assertThat(await(t.sh("kill -TERM $$; sleep 5").exitFuture())).isEqualTo(143);
    assertThat(await(t.sh("kill -KILL $$; sleep 5").exitFuture())).isEqualTo(137);
  }

  @Test
  void theTaskStartsWithNoSignalBlocked() throws Exception {
    assumeTrue(posixSpawn(), "ProcessBuilder's children inherit the JVM thread's blocked SIGQUIT");
    TaskProcesses t = tasks();
    // exec: the task's own process reads its own mask (a shell waiting for a child blocks signals meanwhile)
    await(t.sh("exec grep -E '^SigBlk' /proc/self/status").exitFuture());
    assertThat(t.sink.of(LineSink.STDOUT)).containsExactly("SigBlk:\t0000000000000000");
  }

  @Test
  void argumentsAndEnvironmentReachTheTaskAsUtf8() throws Exception {
    TaskProcesses t = tasks();
    await(t.start(new LaunchSpec(List.of("sh", "-c", "printf '%s|%s\\n' \"$1\" \"$GREETING\"", "sh", "héllo wörld ✓"),
        dir, Map.of("GREETING", "grüße 👋"))).exitFuture());
    assertThat(t.sink.of(LineSink.STDOUT)).containsExactly("héllo wörld ✓|grüße 👋");
  }

  @Test
  void withoutInheritingTheProcessGetsOnlyTheGivenEnvironment() throws Exception {
    TaskProcesses t = tasks();
    // /usr/bin/env by its path: no PATH is given, and none is inherited
    await(t.start(new LaunchSpec(List.of("/usr/bin/env"), dir, Map.of("ONLY", "this"), false)).exitFuture());
    assertThat(t.sink.of(LineSink.STDOUT)).containsExactly("ONLY=this");
  }

  @Test
  void inheritingTheProcessGetsThisProcesssEnvironmentUnderTheGivenOne() throws Exception {
    TaskProcesses t = tasks();
    await(t.start(new LaunchSpec(List.of("/usr/bin/env"), dir, Map.of("ONLY", "this"), true)).exitFuture());
    assertThat(t.sink.of(LineSink.STDOUT)).contains("ONLY=this", "PATH=" + System.getenv("PATH"));
  }

  @Test
  void aNulCharacterInAnArgumentOrVariableFailsTheStartWithAClearMessage() {
    TaskProcesses t = tasks();
    assertThatThrownBy(() -> t.start(new LaunchSpec(List.of("echo", "a\0b"), dir, Map.of())))
        .isInstanceOf(TaskStartException.class)
        .hasMessage("cannot start 'echo': an argument contains a NUL character");
    assertThatThrownBy(() -> t.start(new LaunchSpec(List.of("echo"), dir, Map.of("X", "a\0b"))))
        .isInstanceOf(TaskStartException.class)
        .hasMessage("cannot start 'echo': the value of X contains a NUL character");
  }
}
