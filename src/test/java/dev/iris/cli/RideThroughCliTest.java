package dev.iris.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.client.IrisClient;
import dev.iris.client.JobRequest;
import dev.iris.testing.RestartableCluster;
import dev.iris.worker.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The commands that follow a job ({@code job run}, {@code job logs --follow}) ride through a restart of a
 * durable controller: one line when it stops answering, one when it is back, every log line once, the job's
 * exit code. A controller that stays down ends them after {@code --outage-timeout} with one line.
 */
class RideThroughCliTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static Map<String, String> env(RestartableCluster c) {
    return Map.of("HOME", CliRunner.HOME, "IRIS_TOKEN", c.token());
  }

  /** A shell script: three lines, a wait for {@code go} to exist, three more lines, exit {@code code}. */
  private static String script(Path go, int code) {
    return "for i in 1 2 3; do echo before-$i; done; while [ ! -e '" + go + "' ]; do sleep 0.05; done; "
        + "for i in 1 2 3; do echo after-$i; done; exit " + code;
  }

  private static final List<String> EVERY_LINE = List.of("[task-0] before-1", "[task-0] before-2",
      "[task-0] before-3", "[task-0] after-1", "[task-0] after-2", "[task-0] after-3");

  /** Stops the controller until {@code run} said it is unavailable, then starts it again. */
  private static void restartSeenBy(RestartableCluster c, CliRunner.Running run) {
    c.stopController();
    Poll.until(WAIT, "the retry line", () -> run.err().contains("controller unavailable, retrying"));
    assertThat(run.finished()).as("still following").isFalse();
    c.startController();
  }

  private static void assertOneRestartNoticed(RestartableCluster c, CliRunner.Result r) {
    assertThat(r.errLines()).filteredOn(l -> l.contains("unavailable")).singleElement().asString()
        .startsWith("iris: controller unavailable, retrying for up to 10m (cannot reach " + c.address() + ": ");
    assertThat(r.errLines()).filteredOn(l -> l.contains("reconnected")).singleElement().asString()
        .matches("iris: reconnected to the controller at " + c.address().replace(".", "\\.")
            + " after [0-9.]+m?s; following on");
    r.assertNoStackTrace();
  }

  @Tag("slow")
  @Test
  void jobRunFollowsItsJobAcrossARestartPrintingEveryLineOnceAndExitsWithItsResult() throws Exception {
    try (RestartableCluster c = new RestartableCluster().startController().startWorker()) {
      Path go = c.stateDir().resolveSibling("go");
      CliRunner.Running run = CliRunner.start(new IrisBackend(), env(c), "job", "run", "--controller", c.address(),
          "--name", "across", "--cpu", "0", "--", "sh", "-c", script(go, 3));
      Poll.until(WAIT, "the first lines", () -> run.out().contains("[task-0] before-3"));
      restartSeenBy(c, run);
      Files.createFile(go);

      CliRunner.Result r = run.result(WAIT);
      assertThat(r.exitCode()).as("the job failed; stderr: %s", r.err()).isEqualTo(ExitCodes.FAILURE);
      assertThat(r.out().lines()).containsExactlyElementsOf(EVERY_LINE);
      assertThat(r.errLines()).first().asString().startsWith("iris: submitted job across");
      assertThat(r.errLines()).last().asString().startsWith("iris: job across ended FAILED").contains("Exit code: 3");
      assertThat(r.errLines()).hasSize(4);
      assertOneRestartNoticed(c, r);
    }
  }

  @Tag("slow")
  @Test
  void jobLogsFollowResumesAfterTheLastLinePrinted() throws Exception {
    try (RestartableCluster c = new RestartableCluster().startController().startWorker();
        IrisClient iris = IrisClient.remote(c.address(), c.token())) {
      Path go = c.stateDir().resolveSibling("go");
      String job = iris.submit(JobRequest.command("sh", "-c", script(go, 0)).name("logs").cpu(0)).id();
      CliRunner.Running run = CliRunner.start(new IrisBackend(), env(c), "job", "logs", job, "--follow",
          "--controller", c.address());
      Poll.until(WAIT, "the first lines", () -> run.out().contains("[task-0] before-3"));
      restartSeenBy(c, run);
      Files.createFile(go);

      CliRunner.Result r = run.result(WAIT);
      assertThat(r.exitCode()).as("stderr: %s", r.err()).isEqualTo(ExitCodes.OK);
      assertThat(r.out().lines()).containsExactlyElementsOf(EVERY_LINE);
      assertThat(r.errLines()).hasSize(2);
      assertOneRestartNoticed(c, r);
    }
  }

  @Test
  void aControllerThatStaysDownEndsTheFollowAfterTheReconnectTimeoutWithOneLine() throws Exception {
    try (RestartableCluster c = new RestartableCluster().startController()) {
      CliRunner.Running run = CliRunner.start(new IrisBackend(), env(c), "job", "run", "--controller", c.address(),
          "--name", "stranded", "--cpu", "0", "--outage-timeout", "1s", "--", "sleep", "60"); // no worker: pending
      Poll.until(WAIT, "the submission", () -> run.err().contains("submitted job stranded"));
      Thread.sleep(200); // the watch is open
      c.stopController();

      CliRunner.Result r = run.result(WAIT);
      assertThat(r.exitCode()).isEqualTo(ExitCodes.FAILURE);
      assertThat(r.out()).isEmpty();
      assertThat(r.errLines()).hasSize(3);
      assertThat(r.errLines().get(1)).startsWith("iris: controller unavailable, retrying for up to 1s (");
      assertThat(r.errLines().get(2)).startsWith("iris: gave up on job stranded: the controller at " + c.address()
          + " did not answer for 1s (cannot reach " + c.address() + ": connection refused)");
      r.assertNoStackTrace();
    }
  }

  @Test
  void oneShotCommandsAgainstADownControllerFailWithOneLine() {
    try (RestartableCluster c = new RestartableCluster()) { // never started: nothing listens on its port
      String address = c.address();
      List<String[]> commands = List.of(
          new String[] {"job", "status", "x"},
          new String[] {"job", "list"},
          new String[] {"job", "kill", "x"},
          new String[] {"job", "run", "--", "echo", "hi"},
          new String[] {"job", "run", "--no-wait", "--name", "fixed", "--", "echo", "hi"},
          new String[] {"job", "logs", "x"},
          new String[] {"job", "logs", "x", "--follow"},
          new String[] {"task", "list", "x"},
          new String[] {"worker", "list"});
      for (String[] command : commands) {
        String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(command),
            java.util.stream.Stream.of("--controller", address)).toArray(String[]::new);
        if (command[1].equals("run")) { // the flag goes before the command's own argv
          List<String> l = new java.util.ArrayList<>(List.of(command));
          l.addAll(2, List.of("--controller", address));
          args = l.toArray(String[]::new);
        }
        CliRunner.Result r = CliRunner.run(new IrisBackend(), env(c), args);
        assertThat(r.out()).as(String.join(" ", command)).isEmpty();
        r.assertOneLineError(ExitCodes.FAILURE, "cannot reach " + address + ": connection refused");
        r.assertNoStackTrace();
      }
    }
  }
}
