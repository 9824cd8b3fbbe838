package dev.iris.worker.runtime;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Starts one operating-system process; {@link ProcessTaskRuntime} picks the cheapest one that works here. */
interface Spawner {
  /**
   * Starts {@code executable} with {@code argv} (whose first element is the program as the user named it),
   * {@code environment} (on top of this JVM's environment when {@code inherit}), standard input from
   * {@code /dev/null} and both outputs on pipes.
   *
   * @throws IOException when the process cannot start; its message ends with the OS reason
   */
  Process spawn(Path executable, List<String> argv, Map<String, String> environment, boolean inherit,
      Path directory) throws IOException;

  /** Whether every process starts as the leader of a session (and process group) of its own. */
  boolean newSession();

  /** Frees the threads it owns; processes already started keep running. */
  default void close() {}
}
