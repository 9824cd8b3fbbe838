package dev.iris.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Reports what a command's body threw as one line on stderr. A {@link CliException} is an expected
 * failure and exits with its own code; anything else is a bug, reported with its type and exit code
 * {@value ExitCodes#FAILURE}. Stack traces only in debug mode ({@code IRIS_DEBUG=1}).
 */
final class FailureHandler implements IExecutionExceptionHandler {
  private final boolean debug;

  FailureHandler(boolean debug) {
    this.debug = debug;
  }

  @Override
  public int handleExecutionException(Exception error, CommandLine command, ParseResult parseResult) {
    PrintWriter err = command.getErr();
    int exitCode;
    if (error instanceof CliException expected) {
      err.println("iris: " + ErrorLines.oneLine(expected.getMessage()));
      exitCode = expected.exitCode();
    } else {
      err.println("iris: internal error: " + ErrorLines.describe(error)
          + (debug ? "" : " (IRIS_DEBUG=1 shows the stack trace)"));
      exitCode = ExitCodes.FAILURE;
    }
    if (debug) {
      error.printStackTrace(err);
    }
    err.flush();
    return exitCode;
  }
}
