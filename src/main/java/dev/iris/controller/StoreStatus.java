package dev.iris.controller;

/**
 * What the state store tells about itself: when the controller started, what it recovered from its state
 * directory, and whether it can store changes now. Read with {@link StoreClient#status()}.
 *
 * @param startedAtMs when the store started (epoch milliseconds)
 * @param stateDir where it keeps its state; null: in memory only, lost at exit
 * @param recovered what the start recovered from the state directory; null in memory
 * @param reopened the last rebuild from the state directory after a failed write; null if none
 * @param failure why changes are refused now (the state directory cannot be written; retrying); null if they are not
 * @param failingSinceMs when changes began to be refused (0: they are not)
 * @param reopens how often the store reopened its journal after a failed write
 */
public record StoreStatus(long startedAtMs, String stateDir, Recovery recovered, Recovery reopened, String failure,
    long failingSinceMs, int reopens) {

  /**
   * One replay of the state directory into a fresh state.
   *
   * @param atMs when it finished
   * @param records journal records replayed
   * @param jobs jobs in the state it rebuilt
   * @param workers workers in it
   * @param elapsedMs how long it took, the journal read and replayed
   */
  public record Recovery(long atMs, long records, int jobs, int workers, long elapsedMs) {}

  /** The question the store answers with its status (not a {@link StoreQuery}: it is not read from the state). */
  enum Get { INSTANCE }

  /** A store in memory, started at {@code atMs}. */
  static StoreStatus inMemory(long atMs) {
    return new StoreStatus(atMs, null, null, null, null, 0, 0);
  }

  /** A durable store in {@code dir}, started at {@code atMs} with what it recovered. */
  static StoreStatus durable(long atMs, String dir, Recovery recovered) {
    return new StoreStatus(atMs, dir, recovered, null, null, 0, 0);
  }

  /** Refusing changes since {@code sinceMs} (kept when already failing), for {@code reason}. */
  StoreStatus failing(String reason, long sinceMs) {
    return new StoreStatus(startedAtMs, stateDir, recovered, reopened, reason,
        failure != null ? failingSinceMs : sinceMs, reopens);
  }

  /** Taking changes again after {@code rebuilt}. */
  StoreStatus reopen(Recovery rebuilt) {
    return new StoreStatus(startedAtMs, stateDir, recovered, rebuilt, null, 0, reopens + 1);
  }

  /** Whether changes are refused now. */
  public boolean failed() {
    return failure != null;
  }
}
