package dev.iris.worker.host;

import static dev.iris.worker.WorkerTesting.alive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iris.worker.Poll;
import dev.iris.worker.attempt.AttemptKey;
import dev.iris.worker.runtime.LaunchSpec;
import dev.iris.worker.runtime.LineSink;
import dev.iris.worker.runtime.ProcessTaskRuntime;
import dev.iris.worker.runtime.RunningTask;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The work directory's lock, the cleanup after a dead worker, and the watchdog that runs it. */
class LeftoverCleanupTest {
  private static final AttemptKey KEY = new AttemptKey("job-1/task-0", 0);
  private static final EnumSet<WorkDirLock.Occupant> WAIT_FOR_NOBODY = EnumSet.noneOf(WorkDirLock.Occupant.class);

  @TempDir Path root;
  private final ProcessTaskRuntime runtime = new ProcessTaskRuntime();
  private final List<RunningTask> started = new ArrayList<>();
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
  private final PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);

  @AfterEach
  void stopEverythingStarted() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
    for (RunningTask task : started) {
      task.kill(Duration.ZERO).get(20, TimeUnit.SECONDS);
    }
    runtime.close();
  }

  /** A task of an "earlier run" of a worker on {@link #root}: recorded in the pid journal and alive. */
  private RunningTask recordedTask() {
    WorkDirs run = new WorkDirs(root);
    RunningTask task = runtime.start(LaunchSpec.shell("exec sleep 1000", run.createAttemptDir(KEY), Map.of()),
        LineSink.discard());
    started.add(task);
    assertThat(run.recordProcess(KEY, task)).isTrue();
    return task;
  }

  private WorkDirLock lock(WorkDirLock.Occupant role) throws Exception {
    WorkDirLock lock = WorkDirLock.acquire(root, role, Duration.ZERO, WAIT_FOR_NOBODY);
    toClose.add(lock);
    return lock;
  }

  @Test
  void cleanupKillsTheRecordedTreesAndRemovesTheRunsDirectories() throws Exception {
    RunningTask task = recordedTask();

    LeftoverCleanup.CleanupResult outcome = LeftoverCleanup.run(root, Duration.ofSeconds(1), log);

    assertThat(outcome).isEqualTo(LeftoverCleanup.CleanupResult.CLEANED);
    assertThat(alive(task.pid())).isFalse();
    assertThat(root.resolve("tasks")).isEmptyDirectory();
    assertThat(root.resolve("pids")).isEmptyDirectory();
    assertThat(logBytes.toString(StandardCharsets.UTF_8)).contains("killed 1 process tree(s)");
    lock(WorkDirLock.Occupant.WORKER); // released again
  }

  @Test
  void cleanupOfACleanWorkDirFindsNothing() throws Exception {
    Files.createDirectories(root.resolve("bundles"));

    assertThat(LeftoverCleanup.run(root, Duration.ofSeconds(1), log)).isEqualTo(LeftoverCleanup.CleanupResult.NOTHING_LEFT);
    assertThat(LeftoverCleanup.run(root.resolve("gone"), Duration.ofSeconds(1), log))
        .isEqualTo(LeftoverCleanup.CleanupResult.NOTHING_LEFT);
    assertThat(root.resolve("bundles")).isDirectory();
  }

  @Test
  void cleanupLeavesAWorkDirInUseAlone() throws Exception {
    RunningTask task = recordedTask();
    lock(WorkDirLock.Occupant.WORKER);

    long before = System.nanoTime();
    LeftoverCleanup.CleanupResult outcome = LeftoverCleanup.run(root, Duration.ofMillis(300), log);

    assertThat(outcome).isEqualTo(LeftoverCleanup.CleanupResult.IN_USE);
    assertThat(Duration.ofNanos(System.nanoTime() - before)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    assertThat(alive(task.pid())).isTrue();
    assertThat(root.resolve("pids/journal")).exists();
  }

  @Test
  void aSecondWorkerIsRefusedNamingTheHolder() throws Exception {
    lock(WorkDirLock.Occupant.WORKER);
    assertThat(Files.readString(WorkDirLock.file(root))).isEqualTo(ProcessHandle.current().pid() + " worker\n");

    assertThatThrownBy(() -> WorkDirLock.acquire(root, WorkDirLock.Occupant.WORKER, Duration.ofSeconds(30),
            EnumSet.of(WorkDirLock.Occupant.CLEANUP)))
        .isInstanceOf(WorkDirLock.InUseException.class)
        .hasMessage("work dir " + root.toAbsolutePath().normalize() + " is in use by another worker (pid "
            + ProcessHandle.current().pid() + ")");
  }

  @Test
  void aWorkerWaitsForARunningCleanup() throws Exception {
    WorkDirLock cleanup = lock(WorkDirLock.Occupant.CLEANUP);
    CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS).execute(cleanup::close);

    WorkDirLock worker = WorkDirLock.acquire(root, WorkDirLock.Occupant.WORKER, Duration.ofSeconds(10),
        EnumSet.of(WorkDirLock.Occupant.CLEANUP));
    toClose.add(worker);

    assertThat(Files.readString(WorkDirLock.file(root))).endsWith(" worker\n");
  }

  @Test
  @Tag("slow") // the closed pipe starts a JVM
  void theWatchdogCleansUpWhenItsPipeClosesAndExitsQuietlyWhenDisarmed() throws Exception {
    Watchdog disarmed = Watchdog.start(root).orElseThrow();
    toClose.add(disarmed);
    ProcessHandle quiet = ProcessHandle.of(disarmed.pid()).orElseThrow();
    disarmed.disarm();
    assertThat(quiet.onExit().get(5, TimeUnit.SECONDS).isAlive()).isFalse();
    assertThat(root.resolve(Watchdog.LOG_FILE)).doesNotExist(); // no JVM was started

    RunningTask task = recordedTask();
    Watchdog armed = Watchdog.start(root).orElseThrow();
    toClose.add(armed);
    ProcessHandle companion = ProcessHandle.of(armed.pid()).orElseThrow();
    toClose.add(() -> companion.destroyForcibly());
    armed.close(); // as if the worker had died

    Poll.until(Duration.ofSeconds(20), "the recorded task to be killed", () -> !alive(task.pid()));
    assertThat(companion.onExit().get(20, TimeUnit.SECONDS).isAlive()).isFalse();
    assertThat(Files.readString(root.resolve(Watchdog.LOG_FILE))).contains("killed 1 process tree(s)");
    assertThat(root.resolve("tasks")).isEmptyDirectory();
  }

  @Test
  void theCompanionGetsAnAbsoluteClassPathSinceItRunsInTheRootDirectory() {
    // `java -jar target/iris.jar worker` has the relative class path "target/iris.jar"
    Path cwd = Path.of("").toAbsolutePath();
    assertThat(Watchdog.absolute("target/iris.jar")).isEqualTo(cwd.resolve("target/iris.jar").toString());
    assertThat(Watchdog.absolute("lib/a.jar:/opt/b.jar::./c")).isEqualTo(
        cwd.resolve("lib/a.jar") + ":/opt/b.jar:" + cwd.resolve("c"));
  }
}
