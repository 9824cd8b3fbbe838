package dev.iris.worker.proc;

/**
 * One parsed line of {@code /proc/<pid>/stat}.
 *
 * @param pid the process id
 * @param command the executable name as the kernel reports it (may be truncated to 15 characters)
 * @param state the one-letter scheduler state ({@code R}, {@code S}, {@code Z} for a zombie, ...)
 * @param ppid the parent's pid
 * @param pgrp the process group id
 * @param session the session id
 * @param utimeTicks user CPU time in clock ticks
 * @param stimeTicks system CPU time in clock ticks
 * @param startTicks start time in clock ticks after boot
 * @param rssPages resident set size in pages
 */
public record ProcStat(
    long pid,
    String command,
    char state,
    long ppid,
    long pgrp,
    long session,
    long utimeTicks,
    long stimeTicks,
    long startTicks,
    long rssPages) {

  /** The identity of this process (pid plus start time). */
  public ProcId id() {
    return new ProcId(pid, startTicks);
  }

  /** Whether the process still runs: a zombie ({@code Z}) or dead ({@code X}) entry has already exited. */
  public boolean isLive() {
    return state != 'Z' && state != 'X';
  }

  /** User plus system CPU time in clock ticks. */
  public long cpuTicks() {
    return utimeTicks + stimeTicks;
  }

  /**
   * Parses the content of {@code /proc/<pid>/stat}. The command sits between the first {@code (} and
   * the last {@code )} and may itself contain spaces and parentheses.
   *
   * @throws IllegalArgumentException when the text is not a stat line
   */
  public static ProcStat parse(String text) {
    int open = text.indexOf('(');
    int close = text.lastIndexOf(')');
    if (open < 1 || close < open) {
      throw new IllegalArgumentException("not a /proc stat line: " + text);
    }
    String[] f = text.substring(close + 2).trim().split(" ");
    if (f.length < 22) {
      throw new IllegalArgumentException("short /proc stat line: " + text);
    }
    return new ProcStat(
        Long.parseLong(text.substring(0, open).trim()),
        text.substring(open + 1, close),
        f[0].charAt(0),
        Long.parseLong(f[1]),
        Long.parseLong(f[2]),
        Long.parseLong(f[3]),
        Long.parseLong(f[11]),
        Long.parseLong(f[12]),
        Long.parseLong(f[19]),
        Long.parseLong(f[21]));
  }
}
