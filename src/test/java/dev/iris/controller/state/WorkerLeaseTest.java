package dev.iris.controller.state;

import static dev.iris.controller.state.Store.events;
import static dev.iris.controller.state.Store.spec;
import static dev.iris.core.TaskState.PENDING;
import static dev.iris.core.TaskState.RUNNING;
import static dev.iris.core.TaskState.WORKER_FAILED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.controller.state.ClusterState.AttemptReport;
import dev.iris.core.TaskId;
import dev.iris.scheduler.WorkerView;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Leases in the store: a worker that is only silent becomes unschedulable at the worker timeout and keeps its
 * attempts until its lease surely ran out; one known dead is lost at once; a restarted controller waits a full
 * lease; a stall of the store's own does not count as silence; late messages of an old incarnation change nothing.
 */
class WorkerLeaseTest {
  /** Worker timeout 5 s, lease 10 s: silent workers fail over after 11 s (the lease plus its 1 s margin). */
  private static final StoreConfig CONFIG = Store.CONFIG.withLeaseMs(10_000);
  private final Store s = new Store(CONFIG);

  private void runningOn(String worker) {
    s.worker(worker, 2);
    s.submit(spec("j").cpu(2));
    s.schedule();
    s.report("j/task-0", RUNNING);
    s.drain();
  }

  @Test
  void anUnreachableWorkerIsUnschedulableAtTheTimeoutAndKeepsItsAttemptsUntilItsLeaseSurelyRanOut() {
    runningOn("w1");
    assertThat(CONFIG.lostAfterMs()).isEqualTo(11_000);

    s.at(1_000 + 5_001);
    s.state.checkWorkerLiveness(s.now);
    assertThat(s.w("w1").isAlive()).isTrue();
    assertThat(s.w("w1").isSuspect()).as("unschedulable").isTrue();
    assertThat(s.state.schedulingInput().workers()).singleElement().extracting(WorkerView::schedulable).isEqualTo(false);
    assertThat(s.taskState("j/task-0")).isEqualTo(RUNNING);
    assertThat(s.state.actions().newest(1).get(0).action()).isEqualTo("worker unreachable");

    s.at(1_000 + 11_000); // exactly the lease and its margin: not yet beyond
    s.state.checkWorkerLiveness(s.now);
    assertThat(s.w("w1").isAlive()).isTrue();
    assertThat(s.taskState("j/task-0")).isEqualTo(RUNNING);
    assertThat(events(s.drain(), StoreEvent.Kind.WORKER_LOST)).isEmpty();

    s.at(1_000 + 11_001);
    s.state.checkWorkerLiveness(s.now);
    assertThat(s.w("w1").isAlive()).isFalse();
    assertThat(s.task("j/task-0").attempts().get(0).state()).isEqualTo(WORKER_FAILED);
    assertThat(s.taskState("j/task-0")).isEqualTo(PENDING);
    assertThat(events(s.drain(), StoreEvent.Kind.WORKER_LOST)).singleElement()
        .satisfies(e -> assertThat(e.message()).contains("lease of 10 s ran out"));
    s.assertConsistent();
  }

  @Test
  void aHeartbeatWithinTheLeaseMakesASilentWorkerSchedulableAgainWithItsAttempts() {
    runningOn("w1");
    s.at(9_000);
    s.state.checkWorkerLiveness(s.now);
    assertThat(s.w("w1").isSchedulable()).isFalse();

    assertThat(s.heartbeat("w1", "j/task-0#0=RUNNING")).isTrue();
    assertThat(s.w("w1").isSchedulable()).isTrue();
    s.at(19_000);
    s.state.checkWorkerLiveness(s.now);
    assertThat(s.w("w1").isAlive()).isTrue();
    assertThat(s.taskState("j/task-0")).isEqualTo(RUNNING);
  }

  @Test
  void aWorkerKnownDeadIsLostAtOnce() {
    runningOn("w1");
    s.at(1_000 + 1_600);
    s.state.workerUnreachable("w1", "connection refused", s.now);
    assertThat(s.w("w1").isAlive()).isFalse();
    assertThat(s.taskState("j/task-0")).isEqualTo(PENDING);
  }

  @Test
  void aWorkerBackWithANewIncarnationFailsTheAttemptsOfItsOldOneAtOnce() {
    s.worker(new WorkerRecord.Registration("w1", "host-w1:10001", Store.registration("w1",
        dev.iris.core.Resources.of(2, 64 * Store.GIB)).capacity(), java.util.Map.of(), "", "", 0, "inc-1"));
    s.submit(spec("j").cpu(2));
    s.schedule();
    s.state.delivered(TaskId.parse("j/task-0"), 0, "w1", new AcceptMark("inc-1", 1));
    s.report("j/task-0", RUNNING);
    s.at(3_000);
    s.state.registerWorker(new WorkerRecord.Registration("w1", "host-w1:10001", s.w("w1").capacity(),
        java.util.Map.of(), "", "", 0, "inc-2"), new AcceptMark("inc-2", 0), List.of(), s.now);
    assertThat(s.task("j/task-0").attempts().get(0).state()).isEqualTo(WORKER_FAILED);
    assertThat(s.taskState("j/task-0")).isEqualTo(PENDING);
  }

  @Test
  void aLateHeartbeatOfAnOldIncarnationChangesNothing() {
    s.worker(new WorkerRecord.Registration("w1", "host-w1:10001", Store.registration("w1",
        dev.iris.core.Resources.of(2, 64 * Store.GIB)).capacity(), java.util.Map.of(), "", "", 0, "inc-2"));
    s.submit(spec("j").cpu(2));
    s.schedule();
    s.state.delivered(TaskId.parse("j/task-0"), 0, "w1", new AcceptMark("inc-2", 1));
    s.report("j/task-0", RUNNING);
    long ignored = s.state.ignoredReports();
    // the old process, cut off before it fenced, lists nothing (or an ended attempt): neither fails the new one, and
    // it is answered "register again", which renews no lease
    assertThat(s.state.heartbeat("w1", new AcceptMark("inc-1", 7), List.of(new AttemptReport(
        TaskId.parse("j/task-0"), 0, WORKER_FAILED, -1, "fenced", null)), s.now)).isFalse();
    assertThat(s.taskState("j/task-0")).isEqualTo(RUNNING);
    assertThat(s.state.ignoredReports()).isEqualTo(ignored + 1);
  }

  @Test
  void aRestartedControllerWaitsAFullLeaseBeforeFailingWorkersThatDidNotComeBack() {
    runningOn("w1");
    s.at(60_000); // down for a minute
    new Mutation.ControllerRestarted().applyTo(s.state, s.now);
    s.at(60_000 + 11_000);
    s.state.checkWorkerLiveness(s.now);
    assertThat(s.w("w1").isAlive()).isTrue();
    assertThat(s.taskState("j/task-0")).isEqualTo(RUNNING);
    s.at(60_000 + 11_001);
    s.state.checkWorkerLiveness(s.now);
    assertThat(s.w("w1").isAlive()).isFalse();
  }

  @Test
  void aStallOfTheStoreDoesNotCountAsSilence() {
    Store t = new Store(Store.CONFIG); // no leases: lost at the 5 s timeout
    t.worker("w1", 2).worker("w2", 2).worker("w3", 2);
    for (long at = 1_000; at <= 4_000; at += 200) { // ticks on time, heartbeats every second
      t.at(at);
      if (at % 1_000 == 0) {
        List.of("w1", "w2", "w3").forEach(t::heartbeat);
      }
      new Mutation.Tick().applyTo(t.state, t.now);
    }
    t.at(4_000 + 3_200); // the next tick comes 3 s late: the store's loop was blocked
    new Mutation.Tick(3_000).applyTo(t.state, t.now);
    t.at(4_000 + 3_400);
    new Mutation.Tick().applyTo(t.state, t.now);
    assertThat(t.state.workers()).allMatch(WorkerRecord::isAlive);

    // silence after the stall counts again: 5 s after the shifted last-heard instant
    t.at(4_000 + 3_000 + 5_001);
    new Mutation.Tick().applyTo(t.state, t.now);
    assertThat(t.state.workers()).noneMatch(WorkerRecord::isAlive);
    assertThat(t.state.actions().newest(1).get(0).action()).isEqualTo("worker losses suspect");
  }

  @Test
  void theSameStallWithoutTheExcuseLosesEveryWorker() {
    Store t = new Store(Store.CONFIG);
    t.worker("w1", 2).worker("w2", 2).worker("w3", 2);
    t.at(4_000);
    List.of("w1", "w2", "w3").forEach(t::heartbeat);
    t.at(4_000 + 5_200);
    new Mutation.Tick().applyTo(t.state, t.now);
    assertThat(t.state.workers()).noneMatch(WorkerRecord::isAlive);
  }

  @Test
  void aStallNeverMovesLastHeardIntoTheFuture() {
    Store t = new Store(Store.CONFIG);
    t.worker("w1", 2);
    t.at(9_000);
    t.heartbeat("w1");
    new Mutation.Tick(60_000).applyTo(t.state, t.now);
    assertThat(t.w("w1").lastHeartbeatMs()).isEqualTo(9_000);
  }
}
