package dev.iris.controller.journal;

import java.io.IOException;

/**
 * The state directory cannot be used: it is locked by another controller, written in a format this build
 * does not read, not writable, or not a state directory. The message is one line naming the directory, fit
 * to print as the reason the controller did not start.
 */
public final class StateDirException extends IOException {
  private static final long serialVersionUID = 1L;

  public StateDirException(String message) {
    super(message);
  }

  public StateDirException(String message, Throwable cause) {
    super(message, cause);
  }
}
