package dev.iris.cli;

import dev.iris.cli.request.ControllerTarget;
import dev.iris.common.HostPort;
import dev.iris.common.TokenFiles;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code --controller HOST:PORT} option shared by every command that talks to a controller. When
 * absent, the address comes from {@code IRIS_CONTROLLER_ADDRESS}, else {@value #DEFAULT_ADDRESS}.
 */
final class ControllerOption {
  /** The environment variable that names the controller when {@code --controller} is absent. */
  static final String ENV_VAR = "IRIS_CONTROLLER_ADDRESS";
  /** The controller address when neither the flag nor the environment names one. */
  static final String DEFAULT_ADDRESS = "localhost:10000";

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(
      names = "--controller",
      paramLabel = "HOST:PORT",
      converter = ValueConverters.Address.class,
      description = "Controller address (default: $" + ENV_VAR + ", else " + DEFAULT_ADDRESS + ").")
  HostPort controller;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description = "File holding your token (default: $" + TokenFiles.ENV_VAR + ", else ~/.iris/token when it exists).")
  Path tokenFile;

  /** The controller to call, with the token its calls bear (see {@link TokenFiles#forClient}). */
  ControllerTarget address() {
    IrisCommand command = IrisCommand.of(mixee);
    try {
      return ControllerTarget.plaintext(hostPort()).withToken(TokenFiles.forClient(Optional.ofNullable(tokenFile),
          command.environment()));
    } catch (java.io.IOException e) {
      throw new ParameterException(mixee.commandLine(), "--token-file: " + ErrorLines.ioMessage(e));
    }
  }

  /** The address to use: the flag, else the environment, else {@value #DEFAULT_ADDRESS}. */
  HostPort hostPort() {
    if (controller != null) {
      return controller;
    }
    String fromEnv = IrisCommand.of(mixee).environment().get(ENV_VAR);
    if (fromEnv == null || fromEnv.isBlank()) {
      return HostPort.parse(DEFAULT_ADDRESS);
    }
    try {
      return HostPort.parse(fromEnv);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(mixee.commandLine(), "invalid " + ENV_VAR + ": " + e.getMessage());
    }
  }
}
