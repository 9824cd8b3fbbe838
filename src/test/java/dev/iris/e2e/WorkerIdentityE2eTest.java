package dev.iris.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Worker ids with real processes: an {@code iris worker} given no id makes one in its work dir and keeps it
 * across a restart on another port; a second live worker with the id of another is refused, says why in one
 * line and exits 1, while the first runs on.
 */
@Tag("slow")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkerIdentityE2eTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Pattern SERVING = Pattern.compile("iris worker (\\S+) serving on 127\\.0\\.0\\.1:(\\d+), "
      + "controller \\S+; work dir (.*)");
  private Path dir;
  private Processes processes;
  private String controller;

  @BeforeAll
  void startController(@TempDir Path tempDir) {
    dir = tempDir;
    int port = Processes.freePort();
    controller = "127.0.0.1:" + port;
    processes = new Processes(dir, Map.of("IRIS_CONTROLLER_ADDRESS", controller));
    Processes.Server ctl = processes.start("controller", "--host", "127.0.0.1", "--port", Integer.toString(port));
    Processes.awaitLine(ctl, "iris controller listening on " + controller, WAIT);
  }

  @AfterAll
  void stopEverything() {
    if (processes != null) {
      processes.close();
    }
  }

  @Test
  void aWorkerGivenNoIdKeepsTheOneItMadeAcrossARestartOnAnotherPort() throws Exception {
    Path workDir = dir.resolve("keeper");
    Processes.Server first = startWorker("--work-dir", workDir.toString());
    Matcher m1 = serving(first);
    String id = m1.group(1);
    assertThat(id).matches("[A-Za-z0-9][A-Za-z0-9._:-]*-[a-z0-9]{5}");
    assertThat(m1.group(3)).isEqualTo(workDir + " (new id, kept in its worker-id file)");
    assertThat(Files.readString(workDir.resolve("worker-id"))).isEqualTo(id + "\n");
    awaitListed(id, "127.0.0.1:" + m1.group(2));

    Processes.stop(first.process().toHandle()); // SIGTERM: a clean stop
    Processes.Server second = startWorker("--work-dir", workDir.toString());
    Matcher m2 = serving(second);
    assertThat(m2.group(1)).isEqualTo(id);
    assertThat(m2.group(3)).isEqualTo(workDir + " (id from its worker-id file)");
    assertThat(m2.group(2)).isNotEqualTo(m1.group(2));
    awaitListed(id, "127.0.0.1:" + m2.group(2)); // the controller found the old one gone and took the new one
    Processes.stop(second.process().toHandle());
  }

  @Test
  void aSecondLiveWorkerWithTheSameIdExitsWithOneLineAndTheFirstRunsOn() throws Exception {
    Processes.Server first = startWorker("--worker-id", "dup", "--work-dir", dir.resolve("dup-1").toString());
    String firstAddress = "127.0.0.1:" + serving(first).group(2);
    awaitListed("dup", firstAddress);

    long before = System.nanoTime();
    Processes.Run second = processes.run("worker", "--host", "127.0.0.1", "--port", "0", "--worker-id", "dup",
        "--work-dir", dir.resolve("dup-2").toString(), "--cpu", "1", "--task-ports", "38000-38999");
    long tookMs = (System.nanoTime() - before) / 1_000_000;

    assertThat(second.exitCode()).as("%s", second).isEqualTo(1);
    assertThat(second.out()).as("%s", second).singleElement().asString().startsWith("iris worker dup serving on ");
    String secondAddress = "127\\.0\\.0\\.1:\\d+";
    String refusal = "worker id 'dup' is held by a live worker at " + Pattern.quote(firstAddress)
        + " \\(heard from \\d+ ms ago\\); the worker at " + secondAddress + " may not register under it: give one of "
        + "them another --worker-id \\(or its own --work-dir\\), or stop the other; the id is free once that "
        + "worker is known dead, or the controller has not heard from it for 27500 ms \\(its lease surely ran out\\)";
    List<String> err = second.err();
    assertThat(err).as("%s", second).hasSize(2);
    assertThat(err.get(0)).matches(".* WARN  ControllerSession - worker dup: the controller refuses its id: " + refusal
        + "; asking again for up to 30 s in case that worker has just stopped");
    assertThat(err.get(1)).matches("iris: worker dup stopped: " + refusal);
    assertThat(tookMs).as("ms until it gave up").isBetween(30_000L, 60_000L);

    assertThat(first.process().isAlive()).isTrue();
    awaitListed("dup", firstAddress);
    Processes.stop(first.process().toHandle());
  }

  private Processes.Server startWorker(String... args) {
    List<String> command = new java.util.ArrayList<>(List.of("worker", "--host", "127.0.0.1", "--port", "0", "--cpu",
        "1", "--task-ports", "37000-37999"));
    command.addAll(List.of(args));
    return processes.start(command.toArray(String[]::new));
  }

  private static Matcher serving(Processes.Server worker) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      for (String line : worker.lines()) {
        Matcher m = SERVING.matcher(line);
        if (m.matches()) {
          return m;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the worker did not start: " + worker.lines());
  }

  /** Waits until {@code iris worker list} shows {@code id} at {@code address}, and no other worker of that id. */
  private void awaitListed(String id, String address) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    Processes.Run list = null;
    while (System.nanoTime() < deadline) {
      list = processes.run("worker", "list");
      long rows = list.out().stream().filter(l -> l.startsWith(id + " ")).count();
      if (list.exitCode() == 0 && rows == 1
          && list.out().stream().anyMatch(l -> l.startsWith(id + " ") && l.contains(address))) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(id + " at " + address + " not listed: " + list);
  }
}
