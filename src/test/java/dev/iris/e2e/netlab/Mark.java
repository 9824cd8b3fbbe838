package dev.iris.e2e.netlab;

import java.util.Optional;

/**
 * One line a task appends to the shared marks file (see {@link TaskScript}):
 * {@code start|stop <epoch ns> <task id> <attempt> <worker> <pid> [how]}.
 *
 * @param start true for {@code start}, false for {@code stop}
 * @param nanos wall-clock time in ns since the epoch ({@code date +%s%N}: one clock for every namespace)
 * @param how for a stop: {@code exit} (the work ended) or {@code term} (a signal stopped it)
 */
public record Mark(boolean start, long nanos, String task, int attempt, String worker, long pid, String how) {

  /** The copy of a task this mark is about: the same attempt may in principle run twice, so the pid counts. */
  public Copy.Key key() {
    return new Copy.Key(task, attempt, worker, pid);
  }

  /** Parses a line; empty for anything else (a line still being written, garbage). */
  public static Optional<Mark> parse(String line) {
    String[] w = line.strip().split("\\s+");
    if (w.length < 6 || !(w[0].equals("start") || w[0].equals("stop"))) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Mark(w[0].equals("start"), Long.parseLong(w[1]), w[2], Integer.parseInt(w[3]), w[4],
          Long.parseLong(w[5]), w.length > 6 ? w[6] : ""));
    } catch (NumberFormatException notAMark) {
      return Optional.empty();
    }
  }

  /** The line for this mark. */
  public String line() {
    return (start ? "start " : "stop ") + nanos + " " + task + " " + attempt + " " + worker + " " + pid
        + (how.isEmpty() ? "" : " " + how);
  }
}
