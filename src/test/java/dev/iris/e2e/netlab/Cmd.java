package dev.iris.e2e.netlab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
    Process p;
    try {
      p = pb.start();
      p.getOutputStream().close();
    } catch (IOException e) {
      return new Result(command, 127, e.getMessage());
    }
    // read while it runs: a command that prints much must not block on a full pipe
    CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "";
      }
    });
    try {
      if (!p.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
        return new Result(command, -1, "did not finish within " + wait);
      }
      return new Result(command, p.exitValue(), output.get(10, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + command, e);
    } catch (ExecutionException | TimeoutException e) {
      return new Result(command, p.exitValue(), "");
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
