package dev.iris.worker.runtime;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to run: the command line, the working directory and the environment.
 *
 * <p>Environment: with {@code inherit}, the process inherits the worker's own environment and
 * {@code environment} is applied on top (an entry here overrides the inherited value of the same name);
 * without, the process gets {@code environment} and nothing else. The program
 * ({@code argv.get(0)}) is looked up in the resulting {@code PATH} when it contains no {@code /}, and
 * relative to {@code workingDirectory} when it does.
 *
 * @param argv the program followed by its arguments; not empty
 * @param workingDirectory the directory the process starts in; must exist
 * @param environment variables set (on top of the inherited environment, if any)
 * @param inherit whether the process inherits this process's environment
 */
public record LaunchSpec(List<String> argv, Path workingDirectory, Map<String, String> environment,
    boolean inherit) {

  /** Validates and copies the arguments. */
  public LaunchSpec {
    argv = List.copyOf(argv);
    Objects.requireNonNull(workingDirectory, "workingDirectory");
    environment = Map.copyOf(environment);
    if (argv.isEmpty() || argv.get(0).isEmpty()) {
      throw new IllegalArgumentException("argv must name a program");
    }
    for (String name : environment.keySet()) {
      if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("invalid environment variable name '" + name + "'");
      }
    }
  }

  /** A spec that inherits this process's environment, with {@code environment} on top. */
  public LaunchSpec(List<String> argv, Path workingDirectory, Map<String, String> environment) {
    this(argv, workingDirectory, environment, true);
  }

  /** A spec running {@code /bin/sh -c script} in {@code workingDirectory} with extra environment. */
  public static LaunchSpec shell(String script, Path workingDirectory, Map<String, String> environment) {
    return new LaunchSpec(List.of("/bin/sh", "-c", script), workingDirectory, environment);
  }
}
