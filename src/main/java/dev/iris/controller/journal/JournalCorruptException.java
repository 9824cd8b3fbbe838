package dev.iris.controller.journal;

import java.io.IOException;

/**
 * The journal is damaged somewhere other than its tail (a bad record followed by records that were
 * acknowledged, a missing segment, a damaged snapshot), so recovering would rebuild a state with a hole in
 * it. Opening refuses; the message names the file, the offset and what was found.
 */
public final class JournalCorruptException extends IOException {
  private static final long serialVersionUID = 1L;

  JournalCorruptException(String detail) {
    super("journal damaged before its tail: " + detail + "; refusing to start rather than recover a partial "
        + "state (restore the state directory from a backup, or move it aside to start empty)");
  }
}
