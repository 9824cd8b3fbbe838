package dev.iris.worker.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iris.worker.Poll;
import dev.iris.worker.attempt.AttemptKey;
import dev.iris.worker.proc.ProcFs;
import dev.iris.worker.proc.ProcId;
import dev.iris.worker.proc.ProcessTree;
import dev.iris.worker.runtime.LaunchSpec;
import dev.iris.worker.runtime.LineSink;
import dev.iris.worker.runtime.ProcessTaskRuntime;
import dev.iris.worker.runtime.RunningTask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkDirsTest {
  private static final AttemptKey KEY = new AttemptKey("job-7/task-0", 2);

  @TempDir Path root;
  private final ProcessTaskRuntime runtime = new ProcessTaskRuntime();
  private final List<RunningTask> started = new ArrayList<>();

  @AfterEach
  void killEverythingStarted() throws Exception {
    for (RunningTask task : started) {
      task.kill(Duration.ZERO).get(20, TimeUnit.SECONDS);
    }
    runtime.close();
  }

  private RunningTask startIn(Path dir, String script) {
    return startIn(dir, Map.of(), script);
  }

  private RunningTask startIn(Path dir, Map<String, String> environment, String script) {
    RunningTask task = runtime.start(LaunchSpec.shell(script, dir, environment), LineSink.discard());
    started.add(task);
    return task;
  }

  @Test
  void attemptsGetTheirOwnDirectoriesUnderTasks() {
    WorkDirs dirs = new WorkDirs(root);
    Path attempt = dirs.createAttemptDir(KEY);
    assertThat(attempt).isEqualTo(root.resolve("tasks/job-7_2Ftask-0.attempt-2")).isEmptyDirectory();
    assertThat(dirs.logsDir()).isEqualTo(root.resolve("logs"));
    assertThat(dirs.bundlesDir()).isEqualTo(root.resolve("bundles"));

    dirs.deleteAttempt(KEY);
    assertThat(attempt).doesNotExist();
    assertThat(dirs.tasksDir()).isEmptyDirectory();
  }

  @Test
  void removingAnAttemptDirThatIsGoneOrGoingIsFine() throws Exception {
    WorkDirs dirs = new WorkDirs(root);
    dirs.deleteAttemptDir(new AttemptKey("never/task-0", 0)); // never made
    Path attempt = dirs.createAttemptDir(KEY);
    for (int i = 0; i < 200; i++) {
      Files.writeString(Files.createDirectories(attempt.resolve("d" + i % 10)).resolve("f" + i), "x");
    }
    // the timer of a kept directory and the attempt's eviction may remove it at the same time
    CompletableFuture<Void> other = CompletableFuture.runAsync(() -> dirs.deleteAttemptDir(KEY));
    dirs.deleteAttemptDir(KEY);
    other.get(10, TimeUnit.SECONDS);
    dirs.deleteAttemptDir(KEY); // already gone

    assertThat(attempt).doesNotExist();
    assertThat(dirs.tasksDir()).isEmptyDirectory();
  }

  @Test
  void directoryNamesAreSafeAndDistinct() {
    assertThat(new AttemptKey("a/b", 0).taskDirectoryName()).isEqualTo("a_2Fb");
    assertThat(new AttemptKey("a_2Fb", 0).taskDirectoryName()).isEqualTo("a_5F2Fb");
    assertThat(new AttemptKey("..", 0).taskDirectoryName()).isEqualTo("_2E.");
    assertThat(new AttemptKey("x".repeat(500), 0).taskDirectoryName()).hasSizeLessThanOrEqualTo(200)
        .isNotEqualTo(new AttemptKey("x".repeat(501), 0).taskDirectoryName());
    assertThatThrownBy(() -> new AttemptKey(" ", 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AttemptKey("t", -1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void leftoversOfAnEarlierRunAreKilledAndRemoved() throws Exception {
    WorkDirs earlierRun = new WorkDirs(root);
    RunningTask task = startIn(earlierRun.createAttemptDir(KEY), "sleep 1000 & sleep 1000; wait");
    assertThat(earlierRun.recordProcess(KEY, task)).isTrue();
    Poll.until(Duration.ofSeconds(5), "the tree to start", () -> ProcessTree.membersOf(task.pid()).size() == 3);
    List<ProcId> tree = ProcessTree.membersOf(task.pid()).stream().map(s -> s.id()).toList();
    Files.createDirectories(root.resolve("logs/job-7_2Ftask-0/attempt-2"));
    Files.createDirectories(root.resolve("bundles"));
    Files.writeString(root.resolve("bundles/cached.zip"), "kept");

    WorkDirs.LeftoverReport report;
    try (ProcessTaskRuntime restarted = new ProcessTaskRuntime()) {
      report = new WorkDirs(root).cleanLeftovers(restarted, Duration.ofSeconds(5));
    }

    assertThat(report).isEqualTo(new WorkDirs.LeftoverReport(1, 3));
    assertThat(tree).noneMatch(ProcFs::isLive);
    assertThat(root.resolve("tasks")).isEmptyDirectory();
    assertThat(root.resolve("logs")).isEmptyDirectory();
    assertThat(root.resolve("pids")).isEmptyDirectory();
    assertThat(root.resolve("bundles/cached.zip")).hasContent("kept");
  }

  @Test
  void aRecordedPidWhoseStartTimeDiffersIsNotKilled() throws Exception {
    WorkDirs dirs = new WorkDirs(root);
    RunningTask bystander = startIn(root, "sleep 1000");
    Files.createDirectories(dirs.pidsDir());
    Files.writeString(dirs.pidsDir().resolve("reused.attempt-0.pid"), bystander.pid() + " 2001-01-01T00:00:00Z\n");
    Files.writeString(dirs.pidsDir().resolve("garbage.attempt-0.pid"), "not a pid file");

    WorkDirs.LeftoverReport report = dirs.cleanLeftovers(runtime, Duration.ofSeconds(1));

    assertThat(report.processTreesKilled()).isZero();
    assertThat(ProcessHandle.of(bystander.pid()).map(ProcessHandle::isAlive)).contains(true);
    assertThat(dirs.pidsDir()).isEmptyDirectory();
  }

  @Test
  void aForgottenProcessIsNotKilled() throws Exception {
    WorkDirs dirs = new WorkDirs(root);
    RunningTask task = startIn(dirs.createAttemptDir(KEY), "sleep 1000");
    dirs.recordProcess(KEY, task);
    dirs.forgetProcess(KEY);

    assertThat(dirs.cleanLeftovers(runtime, Duration.ofSeconds(1)).processTreesKilled()).isZero();
    assertThat(ProcessHandle.of(task.pid()).map(ProcessHandle::isAlive)).contains(true);
  }

  @Test
  void aTaskProcessTheJournalDoesNotNameIsKilledToo() throws Exception {
    WorkDirs earlierRun = new WorkDirs(root);
    // started like a task (own session, IRIS_ATTEMPT_ID, in its attempt dir) but never recorded: the worker
    // died between the start and the record
    RunningTask unrecorded = startIn(earlierRun.createAttemptDir(KEY), Map.of("IRIS_ATTEMPT_ID", "2"),
        "sleep 1000 & sleep 1000; wait");
    Poll.until(Duration.ofSeconds(5), "the tree to start",
        () -> ProcessTree.membersOf(unrecorded.pid()).size() == 3);
    List<ProcId> tree = ProcessTree.membersOf(unrecorded.pid()).stream().map(s -> s.id()).toList();
    // not tasks: no IRIS_ATTEMPT_ID, or working elsewhere
    RunningTask shellInTheDir = startIn(root.resolve("tasks/job-7_2Ftask-0.attempt-2"), Map.of(), "sleep 1000");
    RunningTask elsewhere = startIn(root, Map.of("IRIS_ATTEMPT_ID", "0"), "sleep 1000");

    WorkDirs.LeftoverReport report;
    try (ProcessTaskRuntime restarted = new ProcessTaskRuntime()) {
      report = new WorkDirs(root).cleanLeftovers(restarted, Duration.ofSeconds(5));
    }

    assertThat(report.processTreesKilled()).isEqualTo(1);
    assertThat(tree).noneMatch(ProcFs::isLive);
    assertThat(ProcessHandle.of(shellInTheDir.pid()).map(ProcessHandle::isAlive)).contains(true);
    assertThat(ProcessHandle.of(elsewhere.pid()).map(ProcessHandle::isAlive)).contains(true);
  }
}
