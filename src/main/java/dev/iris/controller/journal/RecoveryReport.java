package dev.iris.controller.journal;

import java.time.Duration;
import java.util.List;

/**
 * What {@link Journal#open} recovered and how long it took.
 *
 * @param snapshotLsn the LSN the snapshot covered (0: none)
 * @param snapshotBytes its size
 * @param records records handed over after the snapshot
 * @param recordBytes their payload bytes
 * @param segments segment files read
 * @param lastLsn the last durable LSN (the next append gets {@code lastLsn + 1})
 * @param warnings what was repaired (a torn tail cut, with file and offset); also logged
 * @param elapsed from the start of the open to the journal ready for appends
 */
public record RecoveryReport(long snapshotLsn, long snapshotBytes, long records, long recordBytes, int segments,
    long lastLsn, List<String> warnings, Duration elapsed) {

  /** One line for the start-up log. */
  public String describe() {
    return String.format(java.util.Locale.ROOT,
        "journal recovered in %d ms: %s, %d records (%d bytes) from %d segments, last LSN %d%s",
        elapsed.toMillis(), snapshotLsn == 0 ? "no snapshot" : "snapshot at LSN " + snapshotLsn + " (" + snapshotBytes
            + " bytes)", records, recordBytes, segments, lastLsn,
        warnings.isEmpty() ? "" : ", " + warnings.size() + " repair(s)");
  }
}
