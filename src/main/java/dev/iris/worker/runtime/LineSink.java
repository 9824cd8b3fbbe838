package dev.iris.worker.runtime;

/**
 * Receives a task's output one line at a time, without the line terminator. Called from the runtime's
 * output threads (one per stream, so lines of one source arrive in order, while stdout and stderr may
 * interleave); implementations must be thread-safe and should return quickly: a slow sink slows the
 * task, whose pipe fills up. An exception thrown by the sink is logged and the line dropped.
 */
@FunctionalInterface
public interface LineSink {
  /** Source name of the standard output stream. */
  String STDOUT = "stdout";
  /** Source name of the standard error stream. */
  String STDERR = "stderr";

  /**
   * Accepts one line.
   *
   * @param source {@link #STDOUT} or {@link #STDERR}
   * @param line the line's text, decoded as UTF-8 (malformed bytes replaced)
   */
  void accept(String source, String line);

  /** A sink that drops every line. */
  static LineSink discard() {
    return (source, line) -> {};
  }
}
