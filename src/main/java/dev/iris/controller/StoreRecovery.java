package dev.iris.controller;

import dev.iris.controller.journal.Journal;
import dev.iris.controller.journal.JournalOptions;
import dev.iris.controller.journal.MutationCodec;
import dev.iris.controller.journal.RecoveryHandler;
import dev.iris.controller.journal.StateDir;
import dev.iris.controller.journal.StateDirException;
import dev.iris.controller.journal.StateSnapshotCodec;
import dev.iris.controller.state.ClusterState;
import dev.iris.controller.state.Mutation;
import dev.iris.controller.state.StoreConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the store's state from its state directory, before the store takes commands (blocking: run it off the
 * event loop). The latest snapshot, if there is one, is restored; every record after it is decoded and applied at
 * its instant, what it produces dropped (it was published and sent before the restart). The state begins under
 * the configuration the directory says: its snapshot's, or that of its first record, a {@link Mutation.Reconfigure}
 * (a new directory gets one first of all). When the controller now runs under another configuration, a
 * {@link Mutation.Reconfigure} to it is journaled, so the records replay under the old configuration up to that
 * point and the new one after, at this start and at every later one. Then a {@link Mutation.ControllerRestarted}
 * gives the known workers their grace.
 *
 * <p>A directory written by the first durable build has neither snapshot nor configuration record: its journal is
 * replayed under the configuration that build recorded in {@value #LEGACY_CONFIG_FILE} (as text), which must be
 * this controller's (that build refused any other); then a snapshot is written at once and the file removed, so
 * the directory says its configuration from then on.
 */
final class StoreRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(StoreRecovery.class);
  /** Where the first durable build kept the config its records were written under. */
  static final String LEGACY_CONFIG_FILE = "store-config";

  /** The directory (locked) and its journal (open), the state they held, the records replayed and the time it took. */
  record RecoveredStore(StateDir dir, Journal journal, ClusterState state, long records, java.time.Duration elapsed) {}

  private final Path path;
  private final StoreConfig config;
  private final JournalOptions options;
  private ClusterState state;
  /** The directory said the configuration its state begins under: a snapshot, or a first Reconfigure record. */
  private boolean configRecorded;
  private long records;
  private long failedAgain;
  private long snapshotMs;

  private StoreRecovery(Path path, StoreConfig config, JournalOptions options) {
    this.path = path;
    this.config = config;
    this.options = options;
  }

  /** Opens {@code path} and recovers its state, at {@code nowMs} (the instant of what recovery journals). */
  static RecoveredStore run(Path path, StoreConfig config, JournalOptions options, long nowMs) throws Exception {
    StateDir dir = StateDir.open(path);
    try {
      return new StoreRecovery(path, config, options).run(dir, nowMs);
    } catch (Exception | Error e) {
      dir.close();
      throw e;
    }
  }

  /**
   * Recovers again from {@code dir}, already open and locked (its failed journal closed): what the store does when
   * its directory takes writes again. The directory stays open whatever happens.
   */
  static RecoveredStore reopen(StateDir dir, StoreConfig config, JournalOptions options, long nowMs) throws Exception {
    return new StoreRecovery(dir.path(), config, options).run(dir, nowMs);
  }

  private RecoveredStore run(StateDir dir, long nowMs) throws Exception {
    long start = System.nanoTime();
    Journal journal = null;
    try {
      journal = Journal.open(dir, options, new RecoveryHandler() {
        @Override
        public void snapshot(long upToLsn, byte[] snapshot) {
          long t0 = System.nanoTime();
          state = ClusterState.restore(StateSnapshotCodec.decode(snapshot));
          configRecorded = true;
          snapshotMs = (System.nanoTime() - t0) / 1_000_000;
        }

        @Override
        public void record(long lsn, byte[] record) {
          replay(record);
        }
      });
      boolean legacy = false;
      if (state == null) { // a new directory
        state = new ClusterState(config);
        append(journal, new Mutation.Reconfigure(config), nowMs);
        Files.deleteIfExists(dir.path().resolve(LEGACY_CONFIG_FILE));
      } else if (!configRecorded) {
        legacy = true;
        requireLegacyConfig(dir.path());
      } else if (!state.config().equals(config)) {
        LOG.info("the store's configuration changed since the last start ({}): recorded in the journal",
            config.changesFrom(state.config()));
        append(journal, new Mutation.Reconfigure(config), nowMs);
      }
      append(journal, new Mutation.ControllerRestarted(), nowMs);
      if (legacy) {
        journal.writeSnapshot(journal.appendedLsn(), StateSnapshotCodec.encode(state.image())).join();
        Files.delete(dir.path().resolve(LEGACY_CONFIG_FILE));
        LOG.info("state directory {} converted: its configuration is in a snapshot now, {} removed", dir.path(),
            LEGACY_CONFIG_FILE);
      }
      LOG.info("state recovered from {} in {} ms: {}{} records replayed ({} failed again as they did live), {} jobs, "
              + "{} workers, event sequence {}; journal at LSN {}", dir.path(), (System.nanoTime() - start) / 1_000_000,
          journal.recovery().snapshotLsn() == 0 ? "" : "snapshot at LSN " + journal.recovery().snapshotLsn()
              + " restored in " + snapshotMs + " ms, ", records, failedAgain, state.jobs().size(),
          state.workers().size(), state.events().lastSequence(), journal.appendedLsn());
      return new RecoveredStore(dir, journal, state, records,
          java.time.Duration.ofNanos(System.nanoTime() - start));
    } catch (CompletionException e) {
      close(journal);
      throw new StateDirException("cannot write to the journal in " + path + ": " + e.getCause().getMessage(),
          e.getCause());
    } catch (Exception | Error e) {
      close(journal);
      throw e;
    }
  }

  /** Applies one journal record (the first of a directory, a Reconfigure, says the config the state begins under). */
  private void replay(byte[] record) {
    records++;
    MutationCodec.Decoded d = MutationCodec.decode(record);
    if (state == null) {
      if (d.mutation() instanceof Mutation.Reconfigure first) {
        state = new ClusterState(first.config());
        configRecorded = true;
        return;
      }
      state = new ClusterState(config); // a journal of the first durable build: see requireLegacyConfig
    }
    try {
      d.mutation().applyTo(state, d.nowMs());
    } catch (RuntimeException e) {
      failedAgain++; // as it failed live (a refusal is never journaled)
    }
    if (!state.outbox().isEmpty()) {
      state.outbox().drain(); // all of it was published and sent before the restart
    }
  }

  /** Applies {@code m} to the state and journals it, as the store does with every mutation. */
  private void append(Journal journal, Mutation<?> m, long nowMs) {
    m.applyTo(state, nowMs);
    state.outbox().drain(); // nothing anyone waits for
    journal.append(MutationCodec.encode(m, nowMs)).join();
  }

  /** A journal of the first durable build replays faithfully only under the config it recorded: this one's. */
  private void requireLegacyConfig(Path dir) throws IOException, StateDirException {
    Path file = dir.resolve(LEGACY_CONFIG_FILE);
    String mine = config.toString();
    String theirs = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8).trim() : null;
    if (theirs == null) {
      throw new StateDirException("state directory " + dir + " holds a journal that does not say the store config "
          + "it was written under (no snapshot, no configuration record, no " + LEGACY_CONFIG_FILE + " file)");
    }
    if (!theirs.equals(mine)) {
      throw new StateDirException("state directory " + dir + " was written by an earlier version under another "
          + "store config (" + theirs + "; this controller has " + mine + "): start once with the same settings "
          + "(the directory then records them, and later starts may change them)");
    }
  }

  private static void close(Journal journal) {
    if (journal != null) {
      try {
        journal.close();
      } catch (IOException | RuntimeException e) {
        LOG.warn("closing the journal: {}", e.toString());
      }
    }
  }
}
