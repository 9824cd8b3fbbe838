package dev.iris.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iris.rpc.JobState;
import dev.iris.rpc.JobStatus;
import dev.iris.rpc.TaskState;
import dev.iris.testing.RestartableCluster;
import dev.iris.worker.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link JobHandle#wait} rides through a restart of a durable controller (same state directory, same port): it
 * hears of the outage once, resumes the watch and the log tail where they were, and ends with the job's result.
 */
class JobWaitAcrossRestartTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  /** What a listener heard, one line per call. */
  static final class Heard implements ConnectionListener {
    final List<String> calls = new CopyOnWriteArrayList<>();

    @Override
    public void unavailable(String address, String reason, Duration giveUpAfter) {
      calls.add("unavailable " + address + " for up to " + giveUpAfter);
    }

    @Override
    public void reconnected(String address, Duration downFor) {
      calls.add("reconnected " + address);
    }
  }

  /** A task that prints three lines, waits for {@code go} to exist, prints three more and exits {@code code}. */
  static JobRequest waitsFor(Path go, String name, int code) {
    return JobRequest.command("sh", "-c", "for i in 1 2 3; do echo before-$i; done; "
        + "while [ ! -e '" + go + "' ]; do sleep 0.05; done; for i in 1 2 3; do echo after-$i; done; exit " + code)
        .name(name).cpu(0);
  }

  @Tag("slow")
  @Test
  void aJobWaitedOnAcrossAControllerRestartEndsWithItsResultAndEveryLineOnce() throws Exception {
    try (RestartableCluster c = new RestartableCluster().startController().startWorker();
        IrisClient iris = IrisClient.remote(c.address(), c.token())) {
      Path go = c.stateDir().resolveSibling("go");
      Heard heard = new Heard();
      iris.onConnectionChange(heard);
      List<String> lines = new CopyOnWriteArrayList<>();
      JobHandle job = iris.submit(waitsFor(go, "across", 0));
      CompletableFuture<JobStatus> end = CompletableFuture.supplyAsync(() -> job.wait(WAIT, true, null, lines::add));
      Poll.until(WAIT, "the first lines", () -> lines.contains("[task-0] before-3"));

      c.stopController();
      Poll.until(WAIT, "the client to notice", () -> !heard.calls.isEmpty());
      assertThat(end).isNotDone();
      c.startController();
      Files.createFile(go);

      JobStatus status = end.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(status.getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
      assertThat(lines).containsExactly("[task-0] before-1", "[task-0] before-2", "[task-0] before-3",
          "[task-0] after-1", "[task-0] after-2", "[task-0] after-3");
      assertThat(heard.calls).containsExactly("unavailable " + c.address() + " for up to PT10M",
          "reconnected " + c.address());
    }
  }

  @Tag("slow")
  @Test
  void aFailingJobFailsTheWaitAcrossARestart() throws Exception {
    try (RestartableCluster c = new RestartableCluster().startController().startWorker();
        IrisClient iris = IrisClient.remote(c.address(), c.token())) {
      Path go = c.stateDir().resolveSibling("go");
      iris.onConnectionChange(new Heard());
      JobHandle job = iris.submit(waitsFor(go, "fails", 3));
      CompletableFuture<JobStatus> end = CompletableFuture.supplyAsync(() -> job.wait(WAIT, false, null, null));
      // running on its worker, so the restart falls while the task runs (ControllerRestartE2eTest covers adoption)
      Poll.until(WAIT, "the task running", () -> job.tasks().get(0).getState() == TaskState.TASK_STATE_RUNNING);
      c.stopController().startController();
      Files.createFile(go);
      assertThatThrownBy(() -> end.get(WAIT.toSeconds(), TimeUnit.SECONDS)).cause()
          .isInstanceOf(JobFailedException.class).hasMessageContaining("FAILED").hasMessageContaining("Exit code: 3");
    }
  }

  @Test
  void aControllerThatStaysDownFailsTheWaitAfterTheGiveUpTime() throws Exception {
    try (RestartableCluster c = new RestartableCluster().startController();
        IrisClient iris = IrisClient.remote(c.address(), c.token())) {
      Heard heard = new Heard();
      iris.reconnect(Reconnect.DEFAULT.withGiveUpAfter(Duration.ofSeconds(1))).onConnectionChange(heard);
      JobHandle job = iris.submit(JobRequest.command("sleep", "60").name("never").cpu(0)); // no worker: pending
      CompletableFuture<JobStatus> end = CompletableFuture.supplyAsync(() -> job.wait(WAIT, false, null, null));
      Thread.sleep(200); // the watch is open
      long stoppedAt = System.nanoTime();
      c.stopController();
      assertThatThrownBy(() -> end.get(WAIT.toSeconds(), TimeUnit.SECONDS)).cause()
          .isInstanceOf(IrisException.class)
          .hasMessageStartingWith("gave up on job never: the controller at " + c.address() + " did not answer for ")
          .hasMessageContaining("connection refused")
          .satisfies(e -> assertThat(((IrisException) e).status()).isEqualTo("UNAVAILABLE"));
      assertThat(Duration.ofNanos(System.nanoTime() - stoppedAt)).isLessThan(Duration.ofSeconds(10));
      assertThat(heard.calls).containsExactly("unavailable " + c.address() + " for up to PT1S");
    }
  }

  @Test
  void aControllerNeverReachedFailsTheWaitAtOnce() {
    try (RestartableCluster c = new RestartableCluster(); // never started: nothing listens on its port
        IrisClient iris = IrisClient.remote(c.address(), c.token())) {
      Heard heard = new Heard();
      iris.onConnectionChange(heard);
      long start = System.nanoTime();
      assertThatThrownBy(() -> iris.wait("some-job", WAIT, true, null, null))
          .isInstanceOf(IrisException.class).hasMessageContaining("cannot reach " + c.address())
          .hasMessageContaining("connection refused");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      assertThat(heard.calls).isEmpty();
    }
  }
}
