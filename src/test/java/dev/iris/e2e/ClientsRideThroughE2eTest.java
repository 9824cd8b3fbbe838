package dev.iris.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.client.IrisClient;
import dev.iris.rpc.WorkerHealthStatus;
import dev.iris.worker.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients ride through a controller crash, as users meet it: {@code iris controller --state-dir} and {@code iris
 * worker} JVMs, an {@code iris job run} and an {@code iris job logs --follow} JVM following the same job. The
 * controller is SIGKILLed while the task runs and started again on its state directory and port: both clients
 * say once that it is unavailable and once that they reconnected, print every line once, and end with the job.
 */
@Tag("slow")
class ClientsRideThroughE2eTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final List<String> EVERY_LINE = List.of("[task-0] before-1", "[task-0] before-2",
      "[task-0] before-3", "[task-0] after-1", "[task-0] after-2", "[task-0] after-3");

  @Test
  void jobRunAndLogsFollowRideThroughAKilledAndRestartedController(@TempDir Path dir) throws Exception {
    int port = Processes.freePort();
    String controller = "127.0.0.1:" + port;
    Path state = dir.resolve("state");
    Path go = dir.resolve("go");
    try (Processes processes = new Processes(dir, Map.of("IRIS_CONTROLLER_ADDRESS", controller));
        IrisClient iris = IrisClient.remote(controller, processes.token())) {
      Processes.Server first = startController(processes, port, state);
      processes.start("worker", "--controller", controller, "--host", "127.0.0.1", "--port", "0",
          "--work-dir", dir.resolve("w1").toString(), "--worker-id", "w1", "--cpu", "2");
      Poll.until(WAIT, "the worker to register", () -> iris.listWorkers().stream()
          .anyMatch(WorkerHealthStatus::getHealthy));

      Processes.Running run = processes.startRun("job", "run", "--name", "across", "--cpu", "0", "--", "sh", "-c",
          "for i in 1 2 3; do echo before-$i; done; while [ ! -e '" + go + "' ]; do sleep 0.05; done; "
              + "for i in 1 2 3; do echo after-$i; done; exit 3");
      Poll.until(WAIT, "job run's first lines", () -> run.outLines().contains("[task-0] before-3"));
      Processes.Running logs = processes.startRun("job", "logs", "across", "--follow");
      Poll.until(WAIT, "job logs' first lines", () -> logs.outLines().contains("[task-0] before-3"));

      first.process().destroyForcibly(); // a crash: no goodbye to anyone
      assertThat(first.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
      Poll.until(WAIT, "both clients to notice", () -> retrying(run) && retrying(logs));
      startController(processes, port, state);
      Files.createFile(go);

      Processes.Run ran = run.await(WAIT);
      Processes.Run followed = logs.await(WAIT);
      assertThat(ran.exitCode()).as("%s", ran).isEqualTo(1);
      assertThat(ran.out()).containsExactlyElementsOf(EVERY_LINE);
      assertThat(ran.err()).last().asString().startsWith("iris: job across ended FAILED").contains("Exit code: 3");
      assertThat(followed.exitCode()).as("%s", followed).isZero();
      assertThat(followed.out()).containsExactlyElementsOf(EVERY_LINE);
      for (Processes.Run r : List.of(ran, followed)) {
        assertThat(r.err()).as("%s", r).filteredOn(l -> l.contains("unavailable")).singleElement().asString()
            .startsWith("iris: controller unavailable, retrying for up to 10m (");
        assertThat(r.err()).as("%s", r).filteredOn(l -> l.contains("reconnected")).singleElement().asString()
            .startsWith("iris: reconnected to the controller at " + controller + " after ");
        assertThat(String.join("\n", r.err())).as("%s", r).doesNotContain("\tat ").doesNotContain("Exception");
      }
    }
  }

  private static boolean retrying(Processes.Running r) {
    return r.errLines().stream().anyMatch(l -> l.startsWith("iris: controller unavailable, retrying"));
  }

  private static Processes.Server startController(Processes processes, int port, Path state) {
    Processes.Server ctl = processes.start("controller", "--host", "127.0.0.1", "--port", Integer.toString(port),
        "--state-dir", state.toString());
    Processes.awaitLine(ctl, "iris controller listening on 127.0.0.1:" + port, WAIT);
    return ctl;
  }
}
