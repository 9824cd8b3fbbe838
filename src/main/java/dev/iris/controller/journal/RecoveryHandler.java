package dev.iris.controller.journal;

/**
 * Receives what {@link Journal#open} recovers, in order, on the opening thread: first the latest snapshot
 * (if there is one), then every record after it. An exception thrown here aborts the open.
 */
public interface RecoveryHandler {
  /** The state as of {@code upToLsn}, as it was handed to {@link Journal#writeSnapshot}. */
  void snapshot(long upToLsn, byte[] snapshot);

  /** One record, LSNs strictly increasing by one. */
  void record(long lsn, byte[] record);
}
