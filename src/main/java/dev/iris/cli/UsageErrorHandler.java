package dev.iris.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Reports bad usage (unknown flag, malformed value, failed check) as one line, {@code iris: <message>},
 * followed by a {@code Try 'iris job run --help' ...} hint, and exits {@value ExitCodes#USAGE}. The stack
 * trace is printed only in debug mode ({@code IRIS_DEBUG=1}).
 */
final class UsageErrorHandler implements IParameterExceptionHandler {
  private final boolean debug;

  UsageErrorHandler(boolean debug) {
    this.debug = debug;
  }

  @Override
  public int handleParseException(ParameterException error, String[] args) {
    CommandLine command = error.getCommandLine();
    PrintWriter err = command.getErr();
    err.println("iris: " + message(error));
    if (debug) {
      error.printStackTrace(err);
    }
    err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for more information.");
    err.flush();
    return ExitCodes.USAGE;
  }

  /** picocli's message on one line, starting lower-case, with a suggestion for a mistyped name. */
  static String message(ParameterException error) {
    if (error instanceof UnmatchedArgumentException unmatched) {
      return unmatchedMessage(unmatched);
    }
    return ErrorLines.decapitalize(ErrorLines.oneLine(error.getMessage()));
  }

  private static String unmatchedMessage(UnmatchedArgumentException error) {
    List<String> suggestions = error.getSuggestions();
    String didYouMean =
        suggestions.isEmpty() ? "" : " (did you mean " + String.join(" or ", suggestions) + "?)";
    if (error.isUnknownOption()) {
      return ErrorLines.decapitalize(ErrorLines.oneLine(error.getMessage())) + didYouMean;
    }
    CommandSpec spec = error.getCommandLine().getCommandSpec();
    List<String> unmatched = error.getUnmatched();
    String first = unmatched.isEmpty() ? "" : unmatched.get(0);
    if (!spec.subcommands().isEmpty()) {
      return "'" + first + "' is not a command of '" + spec.qualifiedName() + "'" + didYouMean
          + "; commands: " + String.join(", ", spec.subcommands().keySet());
    }
    return (unmatched.size() == 1 ? "unexpected argument: '" : "unexpected arguments: '")
        + String.join("' '", unmatched) + "'";
  }
}
