package dev.iris.e2e.netlab;

/**
 * One live copy of a task: one process that ran it, from its start mark to its end.
 *
 * @param startNanos when it wrote its start mark (epoch ns)
 * @param endNanos when it ended (epoch ns): its stop mark, or when its process was seen gone, or for one still
 *     running the end of the observation
 * @param end how its end is known
 */
public record Copy(Key key, long startNanos, long endNanos, End end) {
  /** Which copy: task, attempt, worker and pid. */
  public record Key(String task, int attempt, String worker, long pid) {}

  /** How a copy's end is known. */
  public enum End {
    /** It wrote a stop mark: its work ended. */
    EXITED,
    /** It wrote a stop mark from its signal trap: it was told to stop. */
    TERMINATED,
    /** It wrote no stop mark (SIGKILL): its process was seen gone by polling (an upper bound of its end). */
    VANISHED,
    /** It was still running when the observation ended. */
    RUNNING
  }

  public String task() {
    return key.task();
  }

  public long durationNanos() {
    return endNanos - startNanos;
  }
}
