package dev.iris.worker.host;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small companion process that outlives its worker and cleans up after it if it dies. At the worker's
 * start it spawns, in a session of its own (so signals aimed at the worker's terminal or process group
 * spare it),
 * <pre>
 *   sh -c 'read -r word; [ "$word" = stopped ] &amp;&amp; exit 0; ...; exec java ... LeftoverCleanup &lt;work dir&gt; &lt;pid&gt;'
 * </pre>
 * with its standard input a pipe whose only write end is in the worker (the JDK closes every other
 * descriptor in the processes it starts, so task processes do not hold it). While the worker lives the
 * shell idles in {@code read} (no JVM). When the worker process ends, however it ends (SIGKILL, crash,
 * OOM kill), the kernel closes the write end, {@code read} returns, and the shell execs a JVM running
 * {@link LeftoverCleanup}, whose output is appended to {@code <work dir>/cleanup.log}. A worker that
 * stopped gracefully and left nothing running says {@code stopped} first ({@link #disarm}), and the
 * shell exits without starting a JVM.
 */
public final class Watchdog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Watchdog.class);
  static final String LOG_FILE = "cleanup.log";
  private static final Path SH = Path.of("/bin/sh");
  private static final Path SETSID = Path.of("/usr/bin/setsid");
  private static final String SCRIPT = "read -r word; [ \"$word\" = stopped ] && exit 0; "
      + "log=$1; shift; exec \"$@\" >>\"$log\" 2>&1";
  /** Small and quick to start: the cleanup reads a few files and signals a few processes. */
  private static final List<String> CLEANUP_JVM_OPTIONS = List.of("-Xmx64m", "-XX:+UseSerialGC",
      "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-DIRIS_LOG_LEVEL=INFO");

  private final Process companion;
  private final OutputStream pipe;
  private boolean closed;

  private Watchdog(Process companion) {
    this.companion = companion;
    this.pipe = companion.getOutputStream();
  }

  /**
   * Spawns the companion of the worker owning {@code root}; blocking (a process start). Empty where it
   * cannot work (no {@code /bin/sh}); the worker then runs without one, as before.
   */
  public static Optional<Watchdog> start(Path root) throws IOException {
    if (!Files.isExecutable(SH)) {
      log.warn("no {}: a crash of this worker will leave its tasks running until it restarts", SH);
      return Optional.empty();
    }
    List<String> command = new ArrayList<>();
    if (Files.isExecutable(SETSID)) {
      command.add(SETSID.toString()); // the JVM's children are no group leaders: setsid execs, no fork
    }
    command.addAll(List.of(SH.toString(), "-c", SCRIPT, "iris-watchdog", root.resolve(LOG_FILE).toString(), javaCommand()));
    command.addAll(CLEANUP_JVM_OPTIONS);
    command.addAll(List.of("-cp", classPath(), LeftoverCleanup.class.getName(), root.toString(),
        Long.toString(ProcessHandle.current().pid())));
    Process process = new ProcessBuilder(command)
        .directory(Path.of("/").toFile()) // hold no directory of the worker's
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    return Optional.of(new Watchdog(process));
  }

  /** The companion's pid (the shell's, and after the exec the cleanup JVM's). */
  public long pid() {
    return companion.pid();
  }

  /** Tells the companion the worker stopped cleanly: it exits without running the cleanup. */
  public void disarm() {
    if (closed) {
      return;
    }
    try {
      pipe.write("stopped\n".getBytes(StandardCharsets.US_ASCII));
      pipe.flush();
    } catch (IOException e) {
      log.debug("watchdog {} is gone: {}", pid(), e.toString()); // then there is nothing to disarm
    }
    close();
  }

  /** Closes the pipe: unless {@link #disarm disarmed}, the companion runs the cleanup now. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      pipe.close();
    } catch (IOException e) {
      log.debug("closing the pipe of watchdog {}: {}", pid(), e.toString());
    }
  }

  /** The running JVM's launcher; {@code java.home}'s when the OS does not tell. */
  private static String javaCommand() {
    return ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /**
   * This JVM's class path (the fat jar for {@code iris worker}, the application's jars when embedded), every
   * entry made absolute: the companion runs in {@code /}, and {@code java -jar target/iris.jar} gives a
   * relative one.
   */
  private static String classPath() {
    return absolute(System.getProperty("java.class.path"));
  }

  /** {@code classPath} with every entry resolved against this process's working directory. */
  static String absolute(String classPath) {
    return Arrays.stream(classPath.split(File.pathSeparator))
        .filter(entry -> !entry.isEmpty())
        .map(entry -> Path.of(entry).toAbsolutePath().normalize().toString())
        .collect(Collectors.joining(File.pathSeparator));
  }
}
