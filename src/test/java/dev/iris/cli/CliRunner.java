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

  /** A run of {@code iris} on its own thread, whose output a test reads while it goes on. */
  static final class Running {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final java.util.concurrent.CompletableFuture<Integer> exit;

    private Running(CliBackend backend, Map<String, String> environment, String... args) {
      exit = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
            PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
          return Main.run(backend, environment, false, o, e, args);
        }
      }, runnable -> {
        Thread t = new Thread(runnable, "iris-cli-run");
        t.setDaemon(true);
        t.start();
      });
    }

    /** Its stdout so far. */
    String out() {
      return out.toString(StandardCharsets.UTF_8);
    }

    /** Its stderr so far. */
    String err() {
      return err.toString(StandardCharsets.UTF_8);
    }

    boolean finished() {
      return exit.isDone();
    }

    /** Waits for the end (at most {@code timeout}) and answers what it printed. */
    Result result(java.time.Duration timeout) throws Exception {
      int code;
      try {
        code = exit.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new AssertionError("iris did not finish within " + timeout + "\n--- stdout\n" + out() + "--- stderr\n"
            + err());
      }
      return new Result(code, out(), err());
    }
  }

  /** Starts {@code iris args...} on a thread of its own (a long-running command: job run, logs --follow). */
  static Running start(CliBackend backend, Map<String, String> environment, String... args) {
    return new Running(backend, environment, args);
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
