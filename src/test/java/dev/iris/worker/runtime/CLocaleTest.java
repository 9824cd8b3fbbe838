package dev.iris.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker JVM started under the C locale (as under a bare systemd unit) still hands a task its arguments and
 * variables in UTF-8: {@code posix_spawn} gets the bytes from us, not from the JVM's locale. (Through
 * {@code ProcessBuilder} they arrive as {@code ?}.)
 */
class CLocaleTest {
  @TempDir Path dir;

  /** Run in the child JVM: starts one task and prints whether it echoed its non-ASCII input intact. */
  public static void main(String[] args) throws Exception {
    try (ProcessTaskRuntime runtime = new ProcessTaskRuntime()) {
      RecordingSink sink = new RecordingSink();
      RunningTask task = runtime.start(new LaunchSpec(List.of("sh", "-c", "printf '%s|%s\\n' \"$1\" \"$G\"", "sh",
          "h\u00e9llo \u2713"), Path.of(args[0]), Map.of("G", "gr\u00fc\u00dfe")), sink);
      task.exitFuture().get(20, TimeUnit.SECONDS);
      boolean intact = sink.of(LineSink.STDOUT).equals(List.of("h\u00e9llo \u2713|gr\u00fc\u00dfe"));
      System.out.println(runtime.launchMethod() + " " + (intact ? "intact" : "mangled"));
    }
  }

  @Test
  void nonAsciiArgumentsAndVariablesArriveIntactUnderTheCLocale() throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), CLocaleTest.class.getName(), dir.toString())
        .redirectErrorStream(true);
    builder.environment().put("LC_ALL", "C");
    builder.environment().put("LANG", "C");
    builder.environment().put("IRIS_LOG_LEVEL", "WARN");
    Process child = builder.start();
    try {
      String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(output.lines().filter(l -> l.startsWith("posix_spawn ") || l.startsWith("setsid ")))
          .containsExactly("posix_spawn intact");
    } finally {
      child.destroyForcibly();
    }
  }
}
