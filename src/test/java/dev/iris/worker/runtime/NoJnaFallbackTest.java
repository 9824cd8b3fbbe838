package dev.iris.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without JNA on the class path (an embedding program may leave it out) tasks still start and die: via setsid. */
class NoJnaFallbackTest {
  @TempDir Path dir;
  private String output = "";

  /** Run in the child JVM: one task that prints, one that is killed; prints what happened. */
  public static void main(String[] args) throws Exception {
    try (ProcessTaskRuntime runtime = new ProcessTaskRuntime()) {
      RecordingSink sink = new RecordingSink();
      int code = runtime.start(LaunchSpec.shell("echo started; exit 4", Path.of(args[0]), Map.of()), sink)
          .exitFuture().get(20, TimeUnit.SECONDS);
      RunningTask sleeper = runtime.start(LaunchSpec.shell("sleep 1000", Path.of(args[0]), Map.of()), sink);
      System.out.println("sleeper=" + sleeper.pid()); // killed by the test should this JVM fail before it does
      System.out.flush();
      int killed = sleeper.kill(Duration.ofSeconds(5)).get(20, TimeUnit.SECONDS);
      System.out.println("method=" + runtime.launchMethod() + " code=" + code + " out=" + sink.of(LineSink.STDOUT)
          + " killed=" + killed);
    }
  }

  @Test
  void tasksStartThroughSetsidWhenJnaIsMissing() throws Exception {
    String withoutJna = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(entry -> !Path.of(entry).getFileName().toString().startsWith("jna-"))
        .collect(Collectors.joining(File.pathSeparator));
    assertThat(withoutJna).isNotEqualTo(System.getProperty("java.class.path")); // JNA was there to remove
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", withoutJna, NoJnaFallbackTest.class.getName(), dir.toString()).redirectErrorStream(true);
    builder.environment().put("IRIS_LOG_LEVEL", "WARN");
    Process child = builder.start();
    try {
      output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(output.lines().filter(l -> l.startsWith("method="))).as(output).containsExactly(
          "method=setsid code=4 out=[started] killed=143");
      assertThat(child.exitValue()).as(output).isZero();
    } finally {
      child.destroyForcibly();
      killSleeperOf(child);
    }
  }

  /** The sleeping task the child started, and its children, by pid: it outlives a child JVM that crashed. */
  private void killSleeperOf(Process child) {
    output.lines().filter(l -> l.startsWith("sleeper=")).map(l -> Long.parseLong(l.substring(8))).findFirst()
        .flatMap(ProcessHandle::of)
        .ifPresent(sleeper -> {
          sleeper.descendants().forEach(ProcessHandle::destroyForcibly);
          sleeper.destroyForcibly();
        });
  }
}
