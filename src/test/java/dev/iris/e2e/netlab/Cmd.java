package dev.iris.e2e.netlab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a short command ({@code ip ...}, a probe) to its end and keeps what it printed. */
public final class Cmd {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private Cmd() {}

  /** What a finished command printed, stdout and stderr together. */
  public record Result(List<String> command, int exitCode, String output) {
    public boolean ok() {
      return exitCode == 0;
    }

    /** This result, or an error naming the command and what it said. */
    public Result orThrow() {
      if (!ok()) {
        throw new IllegalStateException(String.join(" ", command) + ": exit " + exitCode + ": " + output.strip());
      }
      return this;
    }
  }

  /** Runs {@code command}, at most {@code wait} (then kills it: exit code -1). */
  static Result run(List<String> command, Duration wait) {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      // output is small; read it after the end (a full pipe cannot block commands this short)
      if (!p.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
        return new Result(command, -1, "did not finish within " + wait);
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return new Result(command, p.exitValue(), out);
    } catch (IOException e) {
      return new Result(command, 127, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + command, e);
    }
  }

  static Result run(List<String> command) {
    return run(command, WAIT);
  }

  static Result run(String... command) {
    return run(List.of(command));
  }

  /** Runs {@code command}; an error when it fails. */
  static Result must(String... command) {
    return run(command).orThrow();
  }
}
