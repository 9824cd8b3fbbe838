package dev.iris.cli.request;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How a controller ({@code iris controller}, {@code iris local}) authenticates its callers.
 *
 * @param enabled false with {@code --no-auth}: every caller is trusted
 * @param tokenFile the cluster's admin token file, created with a random token when absent
 * @param usersFile more tokens, with user names and roles ({@code NAME ROLE TOKEN} per line)
 */
public record AuthSpec(boolean enabled, Path tokenFile, Optional<Path> usersFile) {
  public AuthSpec {
    Objects.requireNonNull(tokenFile, "tokenFile");
    Objects.requireNonNull(usersFile, "usersFile");
  }
}
