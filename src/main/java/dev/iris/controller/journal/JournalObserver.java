package dev.iris.controller.journal;

/**
 * Told of what the journal's writer does, for metrics. Called on the writer thread: must be cheap and
 * must not block or append.
 */
public interface JournalObserver {
  JournalObserver NONE = new JournalObserver() {};

  /**
   * A group commit reached the disk.
   *
   * @param records how many appends it acknowledged
   * @param bytes bytes written (frames included)
   * @param commitNanos from the start of its write to the end of its fsync
   */
  default void committed(int records, long bytes, long commitNanos) {}

  /** The writer forced a file or the journal's directory to disk: once per commit, twice more per new segment. */
  default void forced() {}

  /** A write or fsync failed: the journal refuses every append from now on. */
  default void failed(Exception cause) {}
}
