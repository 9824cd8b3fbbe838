package dev.iris.worker.host;

import dev.iris.worker.attempt.AttemptKey;
import dev.iris.worker.proc.ProcFs;
import dev.iris.worker.proc.ProcStat;
import dev.iris.worker.runtime.RunningTask;
import dev.iris.worker.runtime.TaskRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The layout of a worker's work directory:
 * <pre>
 * &lt;root&gt;/tasks/&lt;task directory name&gt;.attempt-&lt;n&gt;/   the attempt's process working directory
 * &lt;root&gt;/logs/...                                   task logs ({@link dev.iris.worker.logs.TaskLogStore})
 * &lt;root&gt;/bundles/&lt;sha256&gt;.zip                       bundle cache, kept across runs
 * &lt;root&gt;/pids/journal                               pid and start time of each started process ({@link PidJournal})
 * </pre>
 * The pid journal lives outside the attempt directories so that a task cannot clobber it by accident, and
 * logs live outside them so that they can outlive them: a finished attempt's directory is removed once no
 * process of the attempt is left ({@link #deleteAttemptDir}, see {@link TaskDirRetention}), its logs and
 * pid record when the worker forgets the attempt ({@link #deleteAttempt}).
 * At start-up {@link #cleanLeftovers} kills the process trees of an earlier run that are still alive: a
 * recorded pid whose start time still matches, or a task process not yet recorded (a session leader working
 * in an attempt directory that started with {@code IRIS_ATTEMPT_ID}); never by name. It then removes that
 * run's task, log and pid directories. Thread-safe.
 */
public final class WorkDirs {
  /**
   * The environment variable every task process gets with its attempt id; a cleanup recognises a task process
   * it has no record of by it.
   */
  public static final String ATTEMPT_ID_VARIABLE = "IRIS_ATTEMPT_ID";
  /** How long leftover task processes of an earlier run get between SIGTERM and SIGKILL. */
  public static final Duration LEFTOVER_GRACE = Duration.ofSeconds(2);
  private static final Logger log = LoggerFactory.getLogger(WorkDirs.class);
  private static final Duration KILL_PATIENCE = Duration.ofSeconds(15);

  private final Path root;
  private final PidJournal pids;

  /** The layout under {@code root}; nothing is created until needed. */
  public WorkDirs(Path root) {
    this.root = root.toAbsolutePath().normalize();
    this.pids = new PidJournal(pidsDir().resolve("journal"));
  }

  /** What {@link #cleanLeftovers} did. */
  public record LeftoverReport(int processTreesKilled, int entriesRemoved) {}

  /** The work directory itself. */
  public Path root() {
    return root;
  }

  /** Parent of every task's attempt directories. */
  public Path tasksDir() {
    return root.resolve("tasks");
  }

  /** Where the task log store keeps its files. */
  public Path logsDir() {
    return root.resolve("logs");
  }

  /** Where the bundle cache keeps its files. */
  public Path bundlesDir() {
    return root.resolve("bundles");
  }

  /** Where started processes are recorded. */
  public Path pidsDir() {
    return root.resolve("pids");
  }

  /**
   * The attempt's working directory (not created): one level under {@link #tasksDir}, so an attempt
   * costs one directory, and removing it leaves nothing behind.
   */
  public Path attemptDir(AttemptKey key) {
    return tasksDir().resolve(attemptName(key));
  }

  /** Creates the attempt's working directory, empty: anything left from before is removed first. */
  public Path createAttemptDir(AttemptKey key) {
    Path dir = attemptDir(key);
    try {
      deleteRecursively(dir);
      try {
        return Files.createDirectory(dir);
      } catch (NoSuchFileException noTasksDir) {
        return Files.createDirectories(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
  }

  /** Removes the attempt's working directory (if it is still there) and forgets its process. */
  public void deleteAttempt(AttemptKey key) {
    pids.forget(attemptName(key));
    deleteAttemptDir(key);
  }

  /**
   * Removes the attempt's working directory; one already gone (or going: another thread removing it) is
   * fine. Call it only once no process of the attempt is left.
   */
  public void deleteAttemptDir(AttemptKey key) {
    try {
      deleteRecursively(attemptDir(key));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the directory of " + key, e);
    }
  }

  /**
   * Records the task's pid and start time so a later run of the worker can kill it if it is left over.
   *
   * @return false when the process exited before its start time could be read (nothing to record)
   */
  public boolean recordProcess(AttemptKey key, RunningTask task) {
    Optional<Instant> started = task.startInstant();
    if (started.isEmpty()) {
      return false;
    }
    pids.record(attemptName(key), task.pid(), started.get());
    return true;
  }

  /** Whether a process recorded by this run is not yet forgotten (it may still be running). */
  public boolean hasRecordedProcesses() {
    return pids.hasLive();
  }

  /** Forgets the recorded process of an attempt (it has exited and its tree was cleaned up). */
  public void forgetProcess(AttemptKey key) {
    pids.forget(attemptName(key));
  }

  /**
   * Kills the still-running process trees recorded by an earlier run (SIGTERM, SIGKILL after
   * {@code grace}) and removes the earlier run's tasks, logs and pids; the bundle cache is kept. Blocks
   * until done: call it once at start-up, before any task starts, and off any event loop.
   */
  public LeftoverReport cleanLeftovers(TaskRuntime runtime, Duration grace) {
    pids.close(); // its file is about to be removed: the next record starts a new one
    List<CompletableFuture<Void>> kills = new ArrayList<>();
    Set<Long> killed = new HashSet<>();
    for (Path pidFile : listFiles(pidsDir())) {
      recorded(pidFile).forEach((name, entry) -> leftoverProcess(entry).ifPresent(handle -> {
        log.info("killing leftover process tree {} recorded as {}", handle.pid(), name);
        killed.add(handle.pid());
        kills.add(runtime.killTree(handle, grace));
      }));
    }
    for (ProcStat task : unrecordedTasks(killed)) {
      log.info("killing leftover process tree {} (unrecorded: started in {})", task.pid(),
          ProcFs.workingDirectory(task.pid()).map(Path::toString).orElse("?"));
      ProcessHandle.of(task.pid()).ifPresent(handle -> kills.add(runtime.killTree(handle, grace)));
    }
    awaitAll(kills, grace.plus(KILL_PATIENCE));
    int removed = 0;
    for (Path dir : List.of(tasksDir(), logsDir(), pidsDir())) {
      for (Path entry : listFiles(dir)) {
        try {
          deleteRecursively(entry);
          removed++;
        } catch (IOException e) {
          log.warn("cannot remove leftover {}: {}", entry, e.toString());
        }
      }
    }
    return new LeftoverReport(kills.size(), removed);
  }

  /**
   * Task processes of an earlier run that its pid journal does not name: a worker that died in the moment
   * between a task's start and its record leaves one. Such a process leads its own session (every task does),
   * still works in an attempt directory under {@code tasks/} and started with the {@code IRIS_ATTEMPT_ID}
   * every task gets; anything else (an operator's shell in that directory, say) is left alone.
   */
  private List<ProcStat> unrecordedTasks(Set<Long> recorded) {
    Path tasks;
    try {
      tasks = tasksDir().toRealPath(); // /proc names working directories by their real paths
    } catch (IOException noTasksDir) {
      return List.of(); // no attempt directory, so no task can work in one
    }
    List<ProcStat> found = new ArrayList<>();
    for (ProcStat stat : ProcFs.all()) {
      if (stat.isLive() && stat.session() == stat.pid() && !recorded.contains(stat.pid())
          && ProcFs.workingDirectory(stat.pid()).filter(cwd -> cwd.startsWith(tasks) && !cwd.equals(tasks)).isPresent()
          && ProcFs.startedWithVariable(stat.pid(), ATTEMPT_ID_VARIABLE)) {
        found.add(stat);
      }
    }
    return found;
  }

  /** {@code <task directory name>.attempt-<n>}: unique per attempt, since task directory names are. */
  private static String attemptName(AttemptKey key) {
    return key.taskDirectoryName() + "." + key.attemptDirectoryName();
  }

  /** The records of a pid journal (or of a pid file of the older format) that are still live. */
  private static Map<String, PidJournal.Entry> recorded(Path pidFile) {
    int[] skipped = {0};
    try {
      Map<String, PidJournal.Entry> live = PidJournal.replay(pidFile, skipped);
      if (skipped[0] > 0) {
        log.warn("ignoring {} unreadable line(s) of {}", skipped[0], pidFile);
      }
      return live;
    } catch (IOException | RuntimeException e) {
      log.warn("ignoring unreadable pid file {}: {}", pidFile, e.toString());
      return Map.of();
    }
  }

  /** The recorded process, if it still runs with the recorded start time. */
  private static Optional<ProcessHandle> leftoverProcess(PidJournal.Entry entry) {
    return ProcFs.stat(entry.pid())
        .filter(stat -> stat.isLive() && stat.id().startInstant().equals(entry.start()))
        .flatMap(stat -> ProcessHandle.of(entry.pid()));
  }

  private static void awaitAll(List<CompletableFuture<Void>> kills, Duration timeout) {
    try {
      CompletableFuture.allOf(kills.toArray(CompletableFuture[]::new))
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log.warn("leftover processes may survive: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static List<Path> listFiles(Path dir) {
    List<Path> files = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return files;
    }
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      stream.forEach(files::add);
    } catch (IOException e) {
      log.warn("cannot list {}: {}", dir, e.toString());
    }
    return files;
  }

  /**
   * Deletes a file or directory tree without following symbolic links. What is already gone, or vanishes
   * meanwhile (another thread deleting the same tree), is not an error.
   */
  public static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(path, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
        Files.deleteIfExists(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
        if (e instanceof NoSuchFileException) {
          return FileVisitResult.CONTINUE;
        }
        throw e;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
        if (e != null && !(e instanceof NoSuchFileException)) {
          throw e;
        }
        Files.deleteIfExists(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
