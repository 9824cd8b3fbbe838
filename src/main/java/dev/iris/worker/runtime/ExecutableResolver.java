package dev.iris.worker.runtime;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Finds the file a program name refers to, the way {@code execvp} would in the child, so that a command
 * that cannot start fails before anything is spawned, with a message the user understands.
 */
final class ExecutableResolver {
  static final String NOT_FOUND = "No such file or directory";
  static final String NOT_EXECUTABLE = "Permission denied";
  private static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

  private ExecutableResolver() {}

  /**
   * Resolves {@code program} to an absolute, executable regular file.
   *
   * @param environment the child's effective environment (its {@code PATH} is searched)
   * @param workingDirectory the child's working directory (base of relative paths)
   * @throws TaskStartException when nothing executable is found
   */
  static Path resolve(String program, Map<String, String> environment, Path workingDirectory) {
    if (program.indexOf('/') >= 0) {
      Path candidate = workingDirectory.resolve(program).toAbsolutePath().normalize();
      if (!Files.exists(candidate)) {
        throw failure(program, NOT_FOUND);
      }
      if (Files.isDirectory(candidate)) {
        throw failure(program, "Is a directory");
      }
      if (!Files.isExecutable(candidate)) {
        throw failure(program, NOT_EXECUTABLE);
      }
      return candidate;
    }
    boolean sawNonExecutable = false;
    String path = environment.getOrDefault("PATH", DEFAULT_PATH);
    for (String dir : path.split(File.pathSeparator, -1)) {
      Path base = dir.isEmpty() ? workingDirectory : workingDirectory.resolve(dir);
      Path candidate = base.resolve(program).toAbsolutePath().normalize();
      if (Files.isRegularFile(candidate)) {
        if (Files.isExecutable(candidate)) {
          return candidate;
        }
        sawNonExecutable = true;
      }
    }
    throw failure(program, sawNonExecutable ? NOT_EXECUTABLE : NOT_FOUND);
  }

  static TaskStartException failure(String program, String reason) {
    return new TaskStartException("cannot start '" + program + "': " + reason);
  }
}
