package dev.iris.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Runs {@code iris} in process and captures its exit code, stdout and stderr. */
final class CliRunner {
  private CliRunner() {}

  /** What one run of {@code iris} produced. */
  record Result(int exitCode, String out, String err) {
    List<String> errLines() {
      return err.lines().toList();
    }

    /**
     * Asserts a usage error: exit code 2, nothing on stdout, and on stderr exactly the one-line message
     * (containing {@code fragment}) plus the help hint of {@code command}; no stack trace.
     */
    void assertUsageError(String command, String fragment) {
      assertThat(exitCode).as("exit code; stderr: %s", err).isEqualTo(ExitCodes.USAGE);
      assertThat(out).isEmpty();
      assertThat(errLines()).hasSize(2);
      assertThat(errLines().get(0)).startsWith("iris: ").contains(fragment);
      assertThat(errLines().get(1)).isEqualTo("Try '" + command + " --help' for more information.");
      assertNoStackTrace();
    }

    /** Asserts exactly one line on stderr, {@code iris: <message>}, and the exit code. */
    void assertOneLineError(int expectedExitCode, String message) {
      assertThat(exitCode).as("exit code; stderr: %s", err).isEqualTo(expectedExitCode);
      assertThat(errLines()).containsExactly("iris: " + message);
    }

    void assertNoStackTrace() {
      assertThat(err).doesNotContain("\tat ").doesNotContain("Exception");
    }
  }

  /** The home the commands see: it holds no token, so client commands send none and servers default there. */
  static final String HOME = "/nonexistent/iris-test-home";
  /** Where a server command puts the admin token by default, under {@link #HOME}. */
  static final java.nio.file.Path DEFAULT_TOKEN_FILE = java.nio.file.Path.of(HOME, ".iris", "token");

  static Result run(String... args) {
    return run(new NotAvailableBackend(), Map.of("HOME", HOME), args);
  }

  static Result run(CliBackend backend, String... args) {
    return run(backend, Map.of("HOME", HOME), args);
  }

  static Result run(CliBackend backend, Map<String, String> environment, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exitCode;
    try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      exitCode = Main.run(backend, environment, false, outStream, errStream, args);
    }
    return new Result(
        exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
