package dev.iris.core.auth;

import java.util.Locale;
import java.util.Optional;

/** What a token lets its holder do (see {@link Access} for the whole table). */
public enum Role {
  /** Everything: every job, every worker call, every user's variables. */
  ADMIN,
  /** Submits jobs, reads everything, kills and sees the variables of its own jobs only. */
  USER,
  /** Reads everything but the variables of jobs; changes nothing. */
  VIEWER,
  /** A worker: registers, heartbeats, reports the attempts assigned to it, fetches bundles. */
  WORKER,
  /** A task acting for its job: launches child jobs under it, reads it, registers endpoints under it. */
  TASK;

  /** The name in users files and messages: {@code admin}, {@code user}, ... */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The role a users file may name ({@code task} is only ever derived, never written down). */
  public static Optional<Role> granted(String label) {
    for (Role r : values()) {
      if (r != TASK && r.label().equals(label)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }
}
