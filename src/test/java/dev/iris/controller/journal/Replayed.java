package dev.iris.controller.journal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What a journal's recovery handed over; with {@link #open}, a state directory and its journal opened together. */
final class Replayed implements RecoveryHandler {
  long snapshotLsn;
  byte[] snapshot;
  final List<Long> lsns = new ArrayList<>();
  final List<String> records = new ArrayList<>();

  @Override
  public void snapshot(long upToLsn, byte[] bytes) {
    snapshotLsn = upToLsn;
    snapshot = bytes;
  }

  @Override
  public void record(long lsn, byte[] record) {
    lsns.add(lsn);
    records.add(new String(record, StandardCharsets.UTF_8));
  }

  /** A state directory, locked, with its journal open, and what recovery found. */
  record Opened(StateDir dir, Journal journal, Replayed replayed) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      try {
        journal.close();
      } finally {
        dir.close();
      }
    }

    /** Appends and waits for the disk: one group commit per record. */
    long append(String record) {
      return journal.append(bytes(record)).join();
    }
  }

  static Opened open(Path path, JournalOptions options) throws IOException {
    StateDir dir = StateDir.open(path);
    try {
      Replayed replayed = new Replayed();
      return new Opened(dir, Journal.open(dir, options, replayed), replayed);
    } catch (IOException | RuntimeException e) {
      dir.close();
      throw e;
    }
  }

  static Opened open(Path path) throws IOException {
    return open(path, JournalOptions.defaults());
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
