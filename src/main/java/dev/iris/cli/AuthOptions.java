package dev.iris.cli;

import dev.iris.cli.request.AuthSpec;
import dev.iris.common.TokenFiles;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code --token-file}, {@code --users-file} and {@code --no-auth} of the commands that run a controller. */
final class AuthOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "The cluster's admin token; created (mode 0600, a random 256-bit token) when it does not exist "
          + "(default: ~/.iris/token, which clients of this user read).")
  Path tokenFile;

  @Option(names = "--users-file", paramLabel = "FILE",
      description = "More tokens: one 'NAME ROLE TOKEN' per line, ROLE admin, user, viewer or worker.")
  Path usersFile;

  @Option(names = "--no-auth",
      description = "Trust every caller: no tokens. Loopback only, unless --insecure.")
  boolean noAuth;

  AuthSpec spec(FlagChecks check) {
    if (noAuth && (tokenFile != null || usersFile != null)) {
      throw check.usageError("--no-auth cannot be combined with --token-file or --users-file");
    }
    Path file = tokenFile != null ? tokenFile : TokenFiles.defaultPath(IrisCommand.of(mixee).environment())
        .orElseThrow(() -> check.usageError("HOME is not set, so there is no ~/.iris/token: give --token-file FILE "
            + "(or --no-auth)"));
    return new AuthSpec(!noAuth, file, Optional.ofNullable(usersFile));
  }
}
