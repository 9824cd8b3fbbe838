package dev.iris.cli;

/** Shapes error messages into the single lines {@code iris} prints. */
final class ErrorLines {
  private ErrorLines() {}

  /** {@code message} with line breaks folded into spaces and surrounding whitespace removed. */
  static String oneLine(String message) {
    return message == null ? "" : message.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
  }

  /** {@code Invalid value} becomes {@code invalid value}; acronyms such as {@code IRIS_X} stay. */
  static String decapitalize(String message) {
    if (message.length() >= 2
        && Character.isUpperCase(message.charAt(0))
        && Character.isLowerCase(message.charAt(1))) {
      return Character.toLowerCase(message.charAt(0)) + message.substring(1);
    }
    return message;
  }

  /** A throwable as {@code SimpleName: message}, or just the name when it has no message. */
  static String describe(Throwable error) {
    String message = oneLine(error.getMessage());
    String type = error.getClass().getSimpleName();
    return message.isEmpty() ? type : type + ": " + message;
  }

  /** An I/O failure about a file as one line: {@code no such file: F}, {@code permission denied: F}, ... */
  static String ioMessage(java.io.IOException e) {
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file: " + e.getMessage();
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied: " + e.getMessage();
    }
    return oneLine(e.getMessage());
  }
}
