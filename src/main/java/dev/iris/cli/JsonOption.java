package dev.iris.cli;

import dev.iris.cli.request.OutputFormat;
import picocli.CommandLine.Option;

/** The {@code --json} option of commands that print results: JSON for scripts instead of a table. */
final class JsonOption {
  @Option(names = "--json", description = "Print JSON for scripts instead of a table.")
  boolean json;

  OutputFormat format() {
    return OutputFormat.of(json);
  }
}
