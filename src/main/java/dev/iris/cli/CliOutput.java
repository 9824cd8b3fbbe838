package dev.iris.cli;

import java.io.PrintWriter;
import java.util.Objects;

/**
 * Where a command prints: results to {@code out}, diagnostics and progress to {@code err}.
 *
 * @param out results (tables, JSON, logs)
 * @param err diagnostics and progress lines
 * @param interactive whether {@code out} is a terminal, so live progress lines make sense
 */
public record CliOutput(PrintWriter out, PrintWriter err, boolean interactive) {

  public CliOutput {
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(err, "err");
  }
}
