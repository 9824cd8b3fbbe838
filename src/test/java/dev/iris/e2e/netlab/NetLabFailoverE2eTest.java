package dev.iris.e2e.netlab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.client.IrisClient;
import dev.iris.client.JobRequest;
import dev.iris.common.ProtoStates;
import dev.iris.rpc.JobState;
import dev.iris.rpc.TaskState;
import dev.iris.rpc.TaskStatus;
import dev.iris.rpc.WorkerHealthStatus;
import dev.iris.worker.Poll;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Iris across simulated hosts (root and iproute2 needed; skipped otherwise): a controller and three workers, each
 * JVM in its own network namespace on its own address, run a job end to end; a SIGKILLed worker's task fails over
 * to another worker within seconds, never with two live copies (the dead worker's host answers with refusals, so
 * the controller knows it is dead; a partition, which it cannot tell apart from a slow worker, is the baseline's
 * business: {@link NetLabBaseline}).
 */
@Tag("slow")
class NetLabFailoverE2eTest {
  private static final Duration WAIT = Duration.ofSeconds(90);

  @Test
  void aJobRunsAcrossFourHostsAndAKilledWorkersTaskFailsOverWithOneCopyAtATime(@TempDir Path dir) {
    try (NetLab lab = NetLab.create("failover", "ctl", "w1", "w2", "w3");
        LabCluster cluster = LabCluster.start(lab, dir, LabCluster.Options.grpc(2), "ctl", List.of("w1", "w2", "w3"));
        CopyWatch copies = CopyWatch.start(dir.resolve("marks"))) {
      IrisClient iris = cluster.iris();
      assertThat(iris.listWorkers()).extracting(WorkerHealthStatus::getAddress)
          .containsExactlyInAnyOrder("198.18.0.2:10001", "198.18.0.3:10001", "198.18.0.4:10001");

      // end to end: a task a worker (2 cores each), so one on every host
      String spread = iris.submit(JobRequest.command(TaskScript.sleeping(copies.file(), 1))
          .name("spread").replicas(3).cpu(2)).id();
      awaitFinished(iris, spread);
      assertThat(iris.status(spread, false).getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
      assertThat(iris.listTasks(spread)).extracting(TaskStatus::getWorkerId)
          .containsExactlyInAnyOrder("w1", "w2", "w3");
      assertThat(copies.byTask().values()).hasSize(3).allSatisfy(t -> assertThat(t.runs()).isEqualTo(1));

      // failover: SIGKILL the worker JVM running a long task
      String job = iris.submit(JobRequest.command(TaskScript.sleeping(copies.file(), 600))
          .name("long").cpu(2).maxRetriesPreemption(3)).id();
      String task = job + "/task-0";
      Poll.until(WAIT, "the long task to run", () -> !copies.alive(task).isEmpty()
          && iris.taskStatus(job, 0).getState() == TaskState.TASK_STATE_RUNNING);
      String victim = copies.alive(task).get(0).key().worker();

      long killedAt = CopyWatch.epochNanos();
      cluster.kill(victim);

      Poll.until(WAIT, "a copy of the task on another worker", () -> copies.copies().stream()
          .anyMatch(c -> c.task().equals(task) && !c.key().worker().equals(victim)));
      Copy retry = copies.copies().stream().filter(c -> c.task().equals(task) && !c.key().worker().equals(victim))
          .findFirst().orElseThrow();
      Duration failover = Duration.ofNanos(retry.startNanos() - killedAt);
      Copies.TaskCopies seen = copies.byTask().get(task);
      System.out.printf("netlab: SIGKILLed worker %s: its task started again on %s after %d ms; copies %s%n",
          victim, retry.key().worker(), failover.toMillis(), seen.copies());

      assertThat(failover).as("failover of a dead worker's task").isLessThan(Duration.ofSeconds(10));
      assertThat(seen.maxAlive()).as("copies of %s alive at once: %s", task, seen.copies()).isEqualTo(1);
      assertThat(seen.copies().get(0).end()).as("the dead worker's copy was stopped").isNotEqualTo(Copy.End.RUNNING);
      TaskStatus status = iris.taskStatus(job, 0);
      assertThat(status.getAttempts(0).getState()).isEqualTo(TaskState.TASK_STATE_WORKER_FAILED);
      assertThat(status.getAttempts(0).getWorkerId()).isEqualTo(victim);
      assertThat(status.getWorkerId()).isEqualTo(retry.key().worker());
      assertThat(iris.listWorkers()).filteredOn(w -> w.getWorkerId().equals(victim))
          .singleElement().satisfies(w -> assertThat(w.getHealthy()).isFalse());
      iris.terminate(job);
    }
  }

  private static void awaitFinished(IrisClient iris, String job) {
    Poll.until(WAIT, "job " + job + " to finish", () -> ProtoStates.isFinished(iris.status(job, false).getState()));
  }
}
