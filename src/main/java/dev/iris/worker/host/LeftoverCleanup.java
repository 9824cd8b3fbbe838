package dev.iris.worker.host;

import dev.iris.worker.runtime.ProcessTaskRuntime;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;

/**
 * The cleanup a worker's {@link Watchdog} runs once the worker died: takes the work directory's lock
 * (waiting up to {@link #LOCK_PATIENCE} for the dead worker's lock to be released), then does what a
 * worker does at start-up, {@link WorkDirs#cleanLeftovers}: kills the recorded process trees that still
 * run with their recorded start time, and the task processes the dead worker had not recorded yet (SIGTERM,
 * SIGKILL after a short grace; never by name), and removes the run's task, log and pid directories. When another live process holds the
 * lock it does nothing: that is a new worker, which cleaned the leftovers at its own start.
 *
 * <p>Run as {@code java -cp ... dev.iris.worker.host.LeftoverCleanup <work dir> [<dead worker's pid>]}; what it
 * did goes to standard error, which the watchdog appends to {@code <work dir>/cleanup.log}.
 */
public final class LeftoverCleanup {
  static final Duration LOCK_PATIENCE = Duration.ofSeconds(10);

  /** What one run did. */
  enum CleanupResult { CLEANED, NOTHING_LEFT, IN_USE }

  private LeftoverCleanup() {}

  public static void main(String[] args) {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: LeftoverCleanup <work dir> [<worker pid>]");
      System.exit(2);
    }
    Path root = Path.of(args[0]);
    String worker = args.length == 2 ? "worker " + args[1] : "a worker";
    PrintStream log = System.err;
    say(log, "cleanup " + ProcessHandle.current().pid() + ": " + worker + " of " + root + " is gone");
    int code;
    try {
      CleanupResult outcome = run(root, LOCK_PATIENCE, log);
      code = outcome == CleanupResult.IN_USE ? 1 : 0;
    } catch (Exception e) {
      say(log, "cleanup failed: " + e);
      code = 1;
    }
    log.flush();
    System.exit(code); // the runtime's timer threads are daemons, but leave no doubt
  }

  /**
   * Cleans up {@code root} under its lock; blocking. {@code log} gets one line per decision.
   *
   * @return what it found
   */
  static CleanupResult run(Path root, Duration lockPatience, PrintStream log) throws InterruptedException {
    if (!Files.isDirectory(root)) {
      say(log, "no work dir " + root + ": nothing to do");
      return CleanupResult.NOTHING_LEFT;
    }
    long started = System.nanoTime();
    WorkDirLock lock;
    try {
      lock = WorkDirLock.acquire(root, WorkDirLock.Occupant.CLEANUP, lockPatience, EnumSet.allOf(WorkDirLock.Occupant.class));
    } catch (WorkDirLock.InUseException e) {
      say(log, e.getMessage() + ": leaving it to that process");
      return CleanupResult.IN_USE;
    }
    try (lock; ProcessTaskRuntime runtime = new ProcessTaskRuntime()) {
      WorkDirs.LeftoverReport report = new WorkDirs(root).cleanLeftovers(runtime, WorkDirs.LEFTOVER_GRACE);
      long ms = Duration.ofNanos(System.nanoTime() - started).toMillis();
      say(log, "killed " + report.processTreesKilled() + " process tree(s), removed " + report.entriesRemoved()
          + " entr" + (report.entriesRemoved() == 1 ? "y" : "ies") + " in " + ms + " ms");
      return report.processTreesKilled() + report.entriesRemoved() > 0 ? CleanupResult.CLEANED : CleanupResult.NOTHING_LEFT;
    }
  }

  private static void say(PrintStream log, String line) {
    log.println(Instant.now() + " " + line);
    log.flush();
  }
}
