package dev.iris.cli;

import dev.iris.cli.request.ControllerTarget;
import dev.iris.client.RemoteOptions;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code --tls-ca FILE} option of the commands that talk to a controller ({@link ControllerOption}): reach
 * it over TLS, its certificate verified against this CA. When absent, the CA comes from {@value #ENV_VAR};
 * without either, the commands talk plaintext. The file is checked before anything is sent.
 */
final class TlsClientOption {
  /** The environment variable naming the CA when {@code --tls-ca} is absent. */
  static final String ENV_VAR = RemoteOptions.TLS_CA_ENV;

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(names = "--tls-ca", paramLabel = "FILE",
      description = "CA certificate (PEM) to verify the controller with: talk TLS to it (default: $" + ENV_VAR
          + "; without either, plaintext).")
  Path ca;

  /** The controller {@code target} names, reached over TLS when a CA is named by the flag or the environment. */
  ControllerTarget target(ControllerTarget target) {
    FlagChecks check = new FlagChecks(mixee);
    if (ca != null) {
      return target.withTlsCa(check.pemCertificates("--tls-ca", ca));
    }
    String fromEnv = IrisCommand.of(mixee).environment().get(ENV_VAR);
    if (fromEnv == null || fromEnv.isBlank()) {
      return target;
    }
    return target.withTlsCa(check.pemCertificates(ENV_VAR, Path.of(fromEnv)));
  }
}
