package dev.iris.controller.state;

import static dev.iris.controller.state.Store.commands;
import static dev.iris.controller.state.Store.events;
import static dev.iris.controller.state.Store.spec;
import static dev.iris.controller.state.Store.taskEvents;
import static dev.iris.core.TaskState.ASSIGNED;
import static dev.iris.core.TaskState.BUILDING;
import static dev.iris.core.TaskState.FAILED;
import static dev.iris.core.TaskState.PENDING;
import static dev.iris.core.TaskState.RUNNING;
import static dev.iris.core.TaskState.SUCCEEDED;
import static dev.iris.core.TaskState.WORKER_FAILED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.controller.state.ClusterState.AttemptReport;
import dev.iris.controller.state.ClusterState.Drained;
import dev.iris.core.JobState;
import dev.iris.core.TaskAttempt;
import dev.iris.core.TaskId;
import dev.iris.scheduler.WorkerView;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Registration, heartbeats and reconciliation, liveness, and delivery failures. */
class WorkerMembershipTest {
  private final Store s = new Store(); // worker timeout 5 s, delivery grace 2 s

  // ------------------------------------------------------------------ registration

  @Test
  void registrationAddsASchedulableWorkerAndWakesTheScheduler() {
    s.worker("w1", 4, "zone", "a");

    WorkerRecord w = s.w("w1");
    assertThat(w.isAlive()).isTrue();
    assertThat(w.isSchedulable()).isTrue();
    assertThat(w.attributes()).isEqualTo(Map.of("zone", "a"));
    assertThat(w.free()).isEqualTo(w.capacity());
    Drained d = s.drain();
    assertThat(d.wakeScheduler()).isTrue();
    assertThat(events(d, StoreEvent.Kind.WORKER_REGISTERED)).extracting(StoreEvent::workerId).containsExactly("w1");
    assertThat(s.state.schedulingInput().workers()).extracting(WorkerView::workerId).containsExactly("w1");
  }

  // ------------------------------------------------------------------ liveness

  @Test
  void aWorkerSilentBeyondTheTimeoutIsLostAndItsTasksAreRetriedElsewhere() {
    s.worker("w1", 2).worker("w2", 2);
    s.submit(spec("j").replicas(2).cpu(2));
    s.schedule();
    s.report("j/task-0", RUNNING);
    assertThat(s.placements()).isEqualTo(Map.of("j/task-0", "w1", "j/task-1", "w2"));
    s.drain();

    s.at(4_000);
    assertThat(s.heartbeat("w2", "j/task-1#0=RUNNING")).isTrue();
    s.drain();
    s.at(6_000); // w1 last heard at 1 000: exactly 5 000 ms is not yet beyond the timeout
    s.state.checkWorkerLiveness(s.now);
    assertThat(s.w("w1").isAlive()).isTrue();

    s.at(6_001);
    s.state.checkWorkerLiveness(s.now);

    assertThat(s.w("w1").isAlive()).isFalse();
    assertThat(s.w("w2").isAlive()).isTrue();
    assertThat(s.taskState("j/task-0")).isEqualTo(PENDING);
    TaskAttempt lostAttempt = s.task("j/task-0").attempts().get(0);
    assertThat(lostAttempt.state()).isEqualTo(WORKER_FAILED);
    assertThat(lostAttempt.isWorkerFailure()).isTrue();
    assertThat(s.task("j/task-0").preemptionCount()).isEqualTo(1);
    assertThat(s.task("j/task-0").failureCount()).isZero();
    assertThat(s.holdings("w1")).isEmpty();
    assertThat(s.committedCpu("w1")).isZero();
    assertThat(s.jobState("j")).isEqualTo(JobState.RUNNING);
    Drained d = s.drain();
    assertThat(events(d, StoreEvent.Kind.WORKER_LOST)).extracting(StoreEvent::workerId).containsExactly("w1");
    // the attempt ended WORKER_FAILED; the task itself went straight back to PENDING
    assertThat(taskEvents(d)).containsExactly("j/task-0 PENDING");
    assertThat(events(d, StoreEvent.Kind.TASK_STATE_CHANGED).get(0).message()).contains("w1 lost");
    assertThat(d.commands()).isEmpty(); // nothing is sent to a lost worker
    assertThat(d.wakeScheduler()).isTrue();
    assertThat(s.state.schedulingInput().workers()).extracting(WorkerView::workerId).containsExactly("w2");

    // retried elsewhere once there is room: never on the lost worker
    s.report("j/task-1", SUCCEEDED);
    s.schedule();
    assertThat(s.placements()).isEqualTo(Map.of("j/task-0", "w2"));
    assertThat(commands(s.drain())).containsExactly("Run j/task-0#1@w2");
    s.assertConsistent();
  }

  @Test
  void aWorkerThatReportsIsAliveEvenWhileItsHeartbeatsAreLate() {
    s.worker("w1", 2);
    s.submit(spec("j").cpu(1).replicas(2));
    s.schedule();
    s.drain();

    s.at(5_500);
    s.report("j/task-0", RUNNING);
    s.at(7_000); // 6 s since the last heartbeat, 1.5 s since the last report
    s.state.checkWorkerLiveness(s.now);

    assertThat(s.w("w1").isAlive()).isTrue();
    s.at(10_600);
    s.state.checkWorkerLiveness(s.now);
    assertThat(s.w("w1").isAlive()).isFalse();
  }

  @Test
  void aSilentWorkerIsProbedAfterOneAndAHalfSecondsAndAgainWhileItStaysSilent() {
    s.worker("w1", 2).worker("w2", 2);
    s.drain();

    s.at(2_500); // both silent exactly 1 500 ms
    s.heartbeat("w2");
    s.state.checkWorkerLiveness(s.now);
    assertThat(s.drain().probes()).containsExactly(new ClusterState.WorkerProbe("w1", "host-w1:10001"));

    s.at(3_000); // probed 500 ms ago: not yet again
    s.state.checkWorkerLiveness(s.now);
    assertThat(s.drain().probes()).isEmpty();

    s.at(4_000);
    s.state.checkWorkerLiveness(s.now);
    assertThat(s.drain().probes()).extracting(ClusterState.WorkerProbe::workerId).containsExactly("w1", "w2");

    s.at(4_100); // w1 speaks again: no probe until it is silent again
    s.heartbeat("w1");
    s.at(5_200);
    s.state.checkWorkerLiveness(s.now);
    assertThat(s.drain().probes()).isEmpty();
    assertThat(s.w("w1").isAlive()).isTrue();
  }

  @Test
  void anUnreachableSilentWorkerIsLostAtOnceAndItsTasksAreRetried() {
    s.worker("w1", 2).worker("w2", 2);
    s.submit(spec("j").cpu(2));
    s.schedule();
    s.report("j/task-0", RUNNING);
    assertThat(s.placements()).isEqualTo(Map.of("j/task-0", "w1"));
    s.drain();

    s.at(2_600);
    s.heartbeat("w2");
    s.state.workerUnreachable("w1", "cannot reach host-w1:10001: connection refused", s.now);

    assertThat(s.w("w1").isAlive()).isFalse();
    assertThat(s.task("j/task-0").attempts().get(0).state()).isEqualTo(WORKER_FAILED);
    assertThat(s.taskState("j/task-0")).isEqualTo(PENDING);
    Drained d = s.drain();
    assertThat(events(d, StoreEvent.Kind.WORKER_LOST)).singleElement()
        .satisfies(e -> assertThat(e.message()).contains("w1 lost", "dead", "after 1600 ms", "connection refused"));
    s.schedule();
    assertThat(s.placements()).isEqualTo(Map.of("j/task-0", "w2"));
    s.assertConsistent();
  }

  @Test
  void anUnreachableVerdictIsIgnoredWhenTheWorkerSpokeSinceTheProbe() {
    s.worker("w1", 2);
    s.at(2_600);
    s.heartbeat("w1"); // e.g. it restarted its server and heartbeats again

    s.state.workerUnreachable("w1", "connection refused", s.now);
    s.state.workerUnreachable("nobody", "connection refused", s.now);

    assertThat(s.w("w1").isAlive()).isTrue();
    assertThat(events(s.drain(), StoreEvent.Kind.WORKER_LOST)).isEmpty();
  }

  @Test
  void aLostWorkerMustRegisterAgainAndComesBackClean() {
    s.worker("w1", 2);
    s.submit(spec("j").cpu(2));
    s.schedule();
    s.report("j/task-0", RUNNING);
    s.at(10_000);
    s.state.checkWorkerLiveness(s.now);
    s.drain();

    // its heartbeat is refused: it must re-register
    assertThat(s.heartbeat("w1", "j/task-0#0=RUNNING")).isFalse();
    assertThat(s.w("w1").isAlive()).isFalse();
    assertThat(s.w("w1").lastHeartbeatMs()).isEqualTo(1_000);

    // it re-registers, still running the attempt the controller gave up on: that attempt is killed
    s.state.registerWorker(Store.registration("w1", dev.iris.core.Resources.of(2, 64 * Store.GIB)),
        List.of(new AttemptReport(TaskId.parse("j/task-0"), 0, RUNNING, 0, "", null)), s.now);

    WorkerRecord w = s.w("w1");
    assertThat(w.isAlive()).isTrue();
    assertThat(w.isSchedulable()).isTrue();
    assertThat(w.holdings()).isEmpty();
    assertThat(w.free()).isEqualTo(w.capacity());
    assertThat(w.registeredAtMs()).isEqualTo(10_000);
    assertThat(w.firstRegisteredAtMs()).isEqualTo(1_000);
    Drained d = s.drain();
    assertThat(commands(d)).containsExactly("Kill j/task-0#0@w1");
    assertThat(taskEvents(d)).isEmpty(); // the old attempt's report does not touch the requeued task
    assertThat(s.taskState("j/task-0")).isEqualTo(PENDING);

    // and takes new work
    assertThat(s.heartbeat("w1")).isTrue();
    s.schedule();
    assertThat(commands(s.drain())).containsExactly("Run j/task-0#1@w1");
    s.assertConsistent();
  }

  @Test
  void aHeartbeatFromAnUnknownWorkerAsksItToRegister() {
    assertThat(s.heartbeat("nobody")).isFalse();
    assertThat(s.state.worker("nobody")).isEmpty();
  }

  @Test
  void aLostWorkersPreemptionBudgetIsSpentAndTheJobEndsWorkerFailed() {
    s.worker("w1", 1);
    s.submit(spec("j").retries(0, 0));
    s.schedule();
    s.at(7_000);
    s.state.checkWorkerLiveness(s.now);

    assertThat(s.taskState("j/task-0")).isEqualTo(WORKER_FAILED);
    assertThat(s.jobState("j")).isEqualTo(JobState.WORKER_FAILED);
    s.assertConsistent();
  }

  // ------------------------------------------------------------------ reconciliation

  @Test
  void anAttemptTheWorkerDoesNotListIsWorkerFailed() {
    s.worker("w1", 4);
    s.submit(spec("j").replicas(2));
    s.schedule();
    s.report("j/task-0", RUNNING);
    s.report("j/task-1", RUNNING);
    s.drain();

    s.at(1_500);
    assertThat(s.heartbeat("w1", "j/task-1#0=RUNNING")).isTrue();

    assertThat(s.taskState("j/task-0")).isEqualTo(PENDING);
    assertThat(s.task("j/task-0").attempts().get(0).state()).isEqualTo(WORKER_FAILED);
    assertThat(s.task("j/task-0").preemptionCount()).isEqualTo(1);
    assertThat(s.taskState("j/task-1")).isEqualTo(RUNNING);
    assertThat(s.holdings("w1")).containsExactly("j/task-1#0");
    assertThat(s.committedCpu("w1")).isEqualTo(1);
    assertThat(s.drain().commands()).isEmpty();
    s.assertConsistent();
  }

  @Test
  void anAttemptWhoseRunTaskIsInFlightIsLeftAloneHoweverLongTheWorkerOmitsIt() {
    s.worker("w1", 4);
    s.submit("j", 1, 1);
    s.schedule();

    s.at(60_000); // a minute of heartbeats without it: its RunTask may still be queued or on the wire
    s.heartbeat("w1");
    assertThat(s.taskState("j/task-0")).isEqualTo(ASSIGNED);
    assertThat(s.holdings("w1")).containsExactly("j/task-0#0");
  }

  @Test
  void anAcceptedAttemptIsUnknownOnlyToAListTakenAfterItsAcceptance() {
    s.worker("w1", 4);
    s.submit("j", 1, 1);
    s.schedule();
    s.state.delivered(TaskId.parse("j/task-0"), 0, "w1", new AcceptMark("", 7));

    // taken before the worker accepted the RunTask (the 7th it accepted): proves nothing
    assertThat(s.state.heartbeat("w1", new AcceptMark("", 6), List.of(), s.now)).isTrue();
    assertThat(s.taskState("j/task-0")).isEqualTo(ASSIGNED);

    // taken after: the worker does not know the attempt
    assertThat(s.state.heartbeat("w1", new AcceptMark("", 7), List.of(), s.now)).isTrue();
    assertThat(s.taskState("j/task-0")).isEqualTo(PENDING);
    assertThat(s.task("j/task-0").attempts().get(0).state()).isEqualTo(WORKER_FAILED);
    assertThat(s.holdings("w1")).isEmpty();
  }

  @Test
  void aRestartedWorkerKnowsNoneOfItsPredecessorsAttemptsButTheInFlightOnesWait() {
    s.worker(new WorkerRecord.Registration("w1", "host-w1:10001", dev.iris.core.Resources.of(4, 64 * Store.GIB),
        Map.of(), "", "", 0, "first"));
    s.submit("j", 2, 1);
    s.schedule();
    s.state.delivered(TaskId.parse("j/task-0"), 0, "w1", new AcceptMark("first", 1));

    // a late heartbeat of the old process after the new one registered is stale; the new one knows nothing
    s.state.registerWorker(new WorkerRecord.Registration("w1", "host-w1:10001",
        dev.iris.core.Resources.of(4, 64 * Store.GIB), Map.of(), "", "", 0, "second"),
        new AcceptMark("second", 0), List.of(), s.now);
    assertThat(s.taskState("j/task-0")).isEqualTo(PENDING); // accepted by the old process: gone with it
    assertThat(s.taskState("j/task-1")).isEqualTo(ASSIGNED); // its RunTask may yet reach the new process
    // answered "register again" (no lease for the old process)
    assertThat(s.state.heartbeat("w1", new AcceptMark("first", 5), List.of(), s.now)).isFalse();
    assertThat(s.taskState("j/task-1")).isEqualTo(ASSIGNED);
  }

  @Test
  void afterAControllerRestartAnInFlightRunTaskIsAdoptedWhenListedAndSentAgainWhenNot() {
    s.worker(new WorkerRecord.Registration("w1", "host-w1:10001", dev.iris.core.Resources.of(4, 64 * Store.GIB),
        Map.of(), "", "", 0, "first"));
    s.submit("j", 2, 1);
    s.schedule(); // two RunTasks in flight when the controller's process ends: their answers are lost
    s.drain();

    s.advance(3_000);
    s.state.controllerRestarted(s.now);
    assertThat(s.taskState("j/task-0")).isEqualTo(ASSIGNED);

    // the worker's first list after the restart names the attempt it took and not the one that never arrived
    s.advance(500);
    assertThat(s.state.heartbeat("w1", new AcceptMark("first", 1), List.of(new AttemptReport(
        TaskId.parse("j/task-0"), 0, RUNNING, 0, "", null)), s.now)).isTrue();

    assertThat(s.taskState("j/task-0")).isEqualTo(RUNNING); // adopted: same attempt, not restarted
    assertThat(s.task("j/task-0").attempts()).hasSize(1);
    // never delivered: the same attempt is sent again, and is in flight until the worker answers
    assertThat(s.taskState("j/task-1")).isEqualTo(ASSIGNED);
    assertThat(s.task("j/task-1").attempts()).hasSize(1);
    assertThat(s.holdings("w1")).containsExactly("j/task-0#0", "j/task-1#0");
    assertThat(commands(s.drain())).containsExactly("Run j/task-1#0@w1");
    s.advance(60_000);
    s.state.heartbeat("w1", new AcceptMark("first", 1), List.of(new AttemptReport(
        TaskId.parse("j/task-0"), 0, RUNNING, 0, "", null)), s.now);
    assertThat(s.taskState("j/task-1")).isEqualTo(ASSIGNED); // in flight again: not judged by older lists
    s.state.delivered(TaskId.parse("j/task-1"), 0, "w1", new AcceptMark("first", 2));
    s.report("j/task-1", RUNNING);
    assertThat(s.taskState("j/task-1")).isEqualTo(RUNNING);
    s.assertConsistent();
  }

  @Test
  void afterAControllerRestartAnAttemptThatEndedMeanwhileEndsAsTheWorkerSays() {
    s.worker(new WorkerRecord.Registration("w1", "host-w1:10001", dev.iris.core.Resources.of(4, 64 * Store.GIB),
        Map.of(), "", "", 0, "first"));
    s.submit("j", 1, 1);
    s.schedule();
    s.state.delivered(TaskId.parse("j/task-0"), 0, "w1", new AcceptMark("first", 1));
    s.report("j/task-0", RUNNING);

    s.advance(10_000); // down for longer than the worker timeout: the restart's grace keeps the worker
    s.state.controllerRestarted(s.now);
    s.state.checkWorkerLiveness(s.now);
    assertThat(s.w("w1").isAlive()).isTrue();
    s.advance(1_000);
    assertThat(s.state.heartbeat("w1", new AcceptMark("first", 1), List.of(new AttemptReport(
        TaskId.parse("j/task-0"), 0, SUCCEEDED, 0, "", null)), s.now)).isTrue();

    assertThat(s.jobState("j")).isEqualTo(dev.iris.core.JobState.SUCCEEDED);
    assertThat(s.task("j/task-0").attempts()).hasSize(1);
    assertThat(s.holdings("w1")).isEmpty();
  }

  @Test
  void aRunTaskThatMayHaveArrivedIsFencedBeforeItsTaskIsRetried() {
    s.worker("w1", 4).worker("w2", 4);
    s.submit(spec("j").retries(0, 0));
    s.schedule();
    String worker = s.placements().get("j/task-0");
    s.drain();

    s.state.deliveryFailed(TaskId.parse("j/task-0"), 0, worker, "deadline exceeded", true, s.now);

    // not retried yet: the worker is told to kill (fence) the attempt first
    assertThat(s.taskState("j/task-0")).isEqualTo(ASSIGNED);
    assertThat(commands(s.drain())).containsExactly("Kill j/task-0#0@" + worker);
    assertThat(s.w(worker).isSuspect()).isTrue();
    assertThat(s.schedule()).isZero();

    s.state.fenced(TaskId.parse("j/task-0"), 0, worker, s.now);
    assertThat(s.taskState("j/task-0")).isEqualTo(PENDING);
    assertThat(s.task("j/task-0").preemptionCount()).isZero();
    assertThat(s.schedule()).isEqualTo(1);
    assertThat(s.placements().get("j/task-0")).isNotEqualTo(worker);
    s.assertConsistent();
  }

  @Test
  void aLostWorkersInFlightAttemptsAreFencedThere() {
    s.worker("w1", 4);
    s.submit("j", 2, 1);
    s.schedule();
    s.report("j/task-0", RUNNING); // accepted and running; j/task-1's RunTask is still in flight
    s.drain();

    s.at(10_000);
    s.state.checkWorkerLiveness(s.now);

    assertThat(s.w("w1").isAlive()).isFalse();
    assertThat(commands(s.drain())).containsExactly("Kill j/task-1#0@w1");
  }

  @Test
  void aWorkerGetsNoMoreThanItsStartCapacityUntilItsTasksRun() {
    s.worker(new WorkerRecord.Registration("w1", "host-w1:10001", dev.iris.core.Resources.of(64, 64 * Store.GIB),
        Map.of(), "", "", 2, ""));
    s.submit(spec("j").replicas(5).cpu(0));

    assertThat(s.schedule()).isEqualTo(2);
    assertThat(s.job("j").pendingReason()).contains("busy starting");
    assertThat(s.schedule()).isZero();
    s.report("j/task-0", BUILDING); // still starting
    assertThat(s.schedule()).isZero();
    s.report("j/task-0", RUNNING);
    assertThat(s.schedule()).isEqualTo(1);
    s.report("j/task-1", SUCCEEDED);
    assertThat(s.schedule()).isEqualTo(1);
    assertThat(s.counts("j")).isEqualTo(Map.of(PENDING, 1, ASSIGNED, 2, RUNNING, 1, SUCCEEDED, 1));
    s.assertConsistent();
  }

  @Test
  void smallTasksSpreadOverEqualWorkers() {
    s.worker("w1", 4).worker("w2", 4);
    s.submit(spec("a").replicas(40).cpu(0));
    s.schedule();
    s.submit(spec("b").replicas(40).cpu(0));
    s.schedule();

    Map<String, Long> perWorker = s.placements().values().stream()
        .collect(java.util.stream.Collectors.groupingBy(w -> w, java.util.stream.Collectors.counting()));
    assertThat(perWorker).containsOnlyKeys("w1", "w2");
    assertThat(perWorker.get("w1") + perWorker.get("w2")).isEqualTo(2L * StoreConfig.DEFAULT_START_CAPACITY);
  }

  @Test
  void aRunningAttemptTheWorkerDoesNotListIsNotGivenTheDeliveryGrace() {
    s.worker("w1", 4);
    s.submit("j", 1, 1);
    s.schedule();
    s.report("j/task-0", RUNNING);

    s.heartbeat("w1"); // at once, still within the delivery grace of the assignment

    assertThat(s.taskState("j/task-0")).isEqualTo(PENDING);
  }

  @Test
  void anAttemptTheControllerDoesNotExpectIsKilled() {
    s.worker("w1", 4);
    s.submit(spec("j").retries(1, 0));
    s.schedule();
    s.report("j/task-0", FAILED); // attempt 0 ended; attempt 1 not yet assigned
    s.schedule();
    s.drain();

    // the worker still runs attempt 0 of j/task-0, a task of an unknown job, and attempt 1 as expected
    s.heartbeat("w1", "j/task-0#0=RUNNING", "ghost/task-3#2=BUILDING", "j/task-0#1=RUNNING", "old/task-0#0=SUCCEEDED");

    Drained d = s.drain();
    assertThat(commands(d)).containsExactly("Kill j/task-0#0@w1", "Kill ghost/task-3#2@w1");
    assertThat(d.commands()).allSatisfy(c -> assertThat(((WorkerInstruction.KillTask) c).graceMs()).isEqualTo(5_000));
    assertThat(s.taskState("j/task-0")).isEqualTo(RUNNING); // the expected attempt was reported through
    assertThat(s.task("j/task-0").currentAttemptId()).isEqualTo(1);
    assertThat(s.state.actions().newest(10)).extracting(ActionLog.Action::action).contains("unexpected attempt killed");
  }

  @Test
  void anOldAttemptListedAfterTheCurrentOneOfTheSameTaskDoesNotHideIt() {
    s.worker("w1", 4);
    s.submit(spec("j").retries(1, 0));
    s.schedule();
    s.report("j/task-0", FAILED);
    s.schedule(); // the retry lands on the same worker
    s.report("j/task-0", RUNNING);
    s.drain();

    // the worker keeps ended attempts in its list (so lost terminal reports heal), in any order
    s.heartbeat("w1", "j/task-0#1=RUNNING", "j/task-0#0=FAILED");

    assertThat(s.taskState("j/task-0")).isEqualTo(RUNNING);
    assertThat(s.task("j/task-0").currentAttemptId()).isEqualTo(1);
    assertThat(s.task("j/task-0").preemptionCount()).isZero();
    assertThat(s.holdings("w1")).containsExactly("j/task-0#1");
    assertThat(s.drain().commands()).isEmpty();
  }

  @Test
  void aLostTerminalReportHealsFromTheHeartbeat() {
    s.worker("w1", 4);
    s.submit(spec("j").replicas(2).maxTaskFailures(1));
    s.schedule();
    s.report("j/task-0", RUNNING);
    s.report("j/task-1", RUNNING);
    s.drain();
    // the SUCCEEDED report of task 0 and the FAILED report of task 1 are lost in transit

    s.at(2_000);
    s.heartbeat("w1", "j/task-0#0=SUCCEEDED", "j/task-1#0=FAILED");

    assertThat(s.taskState("j/task-0")).isEqualTo(SUCCEEDED);
    assertThat(s.taskState("j/task-1")).isEqualTo(FAILED);
    assertThat(s.jobState("j")).isEqualTo(JobState.SUCCEEDED);
    assertThat(s.holdings("w1")).isEmpty();
    assertThat(s.drain().commands()).isEmpty();

    // the same list again on the next heartbeat changes nothing and kills nothing
    s.at(3_000);
    s.heartbeat("w1", "j/task-0#0=SUCCEEDED", "j/task-1#0=FAILED");
    Drained d = s.drain();
    assertThat(d.events()).isEmpty();
    assertThat(d.commands()).isEmpty();
    s.assertConsistent();
  }

  @Test
  void reRegistrationOfALiveWorkerReconcilesWithItsList() {
    s.worker("w1", 4);
    s.submit(spec("j").replicas(2));
    s.schedule();
    s.report("j/task-0", RUNNING);
    s.report("j/task-1", RUNNING);
    s.drain();

    s.at(2_000); // the worker restarted, kept task 0 and lost task 1
    s.state.registerWorker(Store.registration("w1", dev.iris.core.Resources.of(4, 64 * Store.GIB)),
        List.of(new AttemptReport(TaskId.parse("j/task-0"), 0, RUNNING, 0, "", null)), s.now);

    assertThat(s.taskState("j/task-0")).isEqualTo(RUNNING);
    assertThat(s.taskState("j/task-1")).isEqualTo(PENDING);
    assertThat(s.holdings("w1")).containsExactly("j/task-0#0");
    s.assertConsistent();
  }

  @Test
  void aWorkerReRegisteringWithLessCapacityThanItHoldsHasNoRoomLeft() {
    s.worker("w1", 4).worker("w2", 4);
    s.submit("j", 1, 3);
    s.schedule();
    s.report("j/task-0", RUNNING);
    assertThat(s.placements()).isEqualTo(Map.of("j/task-0", "w1"));

    // same worker, same address, now announcing 2 cpu, still running the 3-cpu task
    s.state.registerWorker(Store.registration("w1", dev.iris.core.Resources.of(2, 64 * Store.GIB)),
        List.of(new AttemptReport(TaskId.parse("j/task-0"), 0, RUNNING, 0, "", null)), s.now);

    assertThat(s.taskState("j/task-0")).isEqualTo(RUNNING);
    assertThat(s.w("w1").free().cpu()).isZero();
    // the scheduler still works, and puts nothing more on w1
    s.submit("k", 1, 1);
    assertThat(s.schedule()).isEqualTo(1);
    assertThat(s.placements()).containsEntry("k/task-0", "w2");
    s.report("j/task-0", SUCCEEDED);
    assertThat(s.w("w1").free().cpu()).isEqualTo(2);
  }

  @Test
  void reRegistrationFromANewAddressLosesTheOldAttempts() {
    s.worker("w1", 4);
    s.submit("j", 1, 1);
    s.schedule();
    s.report("j/task-0", RUNNING);
    s.drain();

    s.state.registerWorker(new WorkerRecord.Registration("w1", "elsewhere:10001",
        dev.iris.core.Resources.of(4, 64 * Store.GIB), Map.of(), "", ""), List.of(), s.now);

    assertThat(s.taskState("j/task-0")).isEqualTo(PENDING);
    assertThat(s.w("w1").address()).isEqualTo("elsewhere:10001");
    assertThat(s.holdings("w1")).isEmpty();
    s.schedule();
    WorkerInstruction run = s.drain().commands().get(0);
    assertThat(run.address()).isEqualTo("elsewhere:10001");
    assertThat(run.attemptId()).isEqualTo(1);
  }

  // ------------------------------------------------------------------ one live worker per id

  private static WorkerRecord.Registration claim(String id, String address, String incarnation) {
    return new WorkerRecord.Registration(id, address, dev.iris.core.Resources.of(4, 64 * Store.GIB), Map.of(),
        "node", "10.0.0.1", 0, incarnation);
  }

  private void register(WorkerRecord.Registration r) {
    s.state.registerWorker(r, new AcceptMark(r.incarnation(), 0), List.of(), s.now);
  }

  /** w1 registered at a:10001 as incarnation "one", running j/task-0; everything drained. */
  private void liveHolder() {
    register(claim("w1", "a:10001", "one"));
    s.submit("j", 1, 1);
    s.schedule();
    s.report("j/task-0", RUNNING);
    s.drain();
  }

  @Test
  void anotherLiveWorkerClaimingTheIdFromAnotherAddressIsRefusedAndChangesNothing() {
    liveHolder();
    s.advance(1_200);

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> register(claim("w1", "b:10001", "two")))
        .isInstanceOfSatisfying(StoreException.class,
            e -> assertThat(e.code()).isEqualTo(dev.iris.core.Refusal.Code.ALREADY_EXISTS))
        .hasMessage("worker id 'w1' is held by a live worker at a:10001 (heard from 1200 ms ago); the worker at "
            + "b:10001 may not register under it: give one of them another --worker-id (or its own --work-dir), or "
            + "stop the other; the id is free once that worker is known dead, or the controller has not heard from it "
            + "for 5000 ms");

    WorkerRecord w1 = s.w("w1");
    assertThat(w1.address()).isEqualTo("a:10001");
    assertThat(w1.incarnation()).isEqualTo("one");
    assertThat(s.taskState("j/task-0")).isEqualTo(RUNNING);
    assertThat(s.holdings("w1")).containsExactly("j/task-0#0");
    Drained d = s.drain();
    assertThat(d.events()).isEmpty();
    assertThat(d.commands()).isEmpty();
    assertThat(d.wakeScheduler()).isFalse();
    // the holder goes on as before
    assertThat(s.state.heartbeat("w1", new AcceptMark("one", 0), List.of(new AttemptReport(TaskId.parse("j/task-0"), 0,
        RUNNING, 0, "", null)), s.now)).isTrue();
    assertThat(s.taskState("j/task-0")).isEqualTo(RUNNING);
  }

  @Test
  void theSameWorkerRestartedAtItsAddressOrReRegisteringFromANewOneKeepsTheId() {
    liveHolder();

    register(claim("w1", "a:10001", "one")); // the same process again (its heartbeat was answered "register again")
    register(claim("w1", "a:10001", "restarted")); // a restart at the same address
    assertThat(s.w("w1").incarnation()).isEqualTo("restarted");
    register(claim("w1", "c:10001", "restarted")); // the same process, now reachable elsewhere

    assertThat(s.w("w1").address()).isEqualTo("c:10001");
  }

  @Test
  void aNewWorkerTakesTheIdOnceTheHolderWasSilentForTheTimeoutOrLost() {
    liveHolder();
    s.advance(5_001); // silent beyond the timeout, not yet declared lost

    register(claim("w1", "b:10001", "two"));

    assertThat(s.w("w1").address()).isEqualTo("b:10001");
    assertThat(s.taskState("j/task-0")).isEqualTo(PENDING); // the old worker's attempt is failed over
    assertThat(s.holdings("w1")).isEmpty();

    s.advance(5_001);
    s.state.checkWorkerLiveness(s.now);
    assertThat(s.w("w1").isAlive()).isFalse();
    register(claim("w1", "c:10001", "three")); // lost: anyone may take the id again

    assertThat(s.w("w1").address()).isEqualTo("c:10001");
    assertThat(s.w("w1").isAlive()).isTrue();
  }

  @Test
  void onTheEventBusAnotherMachineClaimingTheIdIsRefusedAndARestartOnTheSameOneIsNot() {
    WorkerRecord.Registration onA = new WorkerRecord.Registration("w1", "bus://w1",
        dev.iris.core.Resources.of(4, 64 * Store.GIB), Map.of(), "node-a", "10.0.0.1", 0, "one");
    register(onA);

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> register(new WorkerRecord.Registration("w1", "bus://w1",
        onA.capacity(), Map.of(), "node-b", "10.0.0.2", 0, "two")))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("worker id 'w1' is held by a live worker at bus://w1 on 10.0.0.1 (heard from 0 ms "
            + "ago); the worker at bus://w1 on 10.0.0.2 may not register under it");

    register(new WorkerRecord.Registration("w1", "bus://w1", onA.capacity(), Map.of(), "node-a", "10.0.0.1", 0, "two"));
    assertThat(s.w("w1").incarnation()).isEqualTo("two");
  }

  @Test
  void aWorkerHeardFromWithinTheTimeoutHoldsTheIdHoweverLongAgoItRegistered() {
    liveHolder();
    for (int i = 0; i < 5; i++) {
      s.advance(4_000);
      s.state.heartbeat("w1", new AcceptMark("one", 0), List.of(new AttemptReport(TaskId.parse("j/task-0"), 0, RUNNING,
          0, "", null)), s.now);
    }
    s.advance(4_999);

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> register(claim("w1", "b:10001", "two")))
        .isInstanceOf(StoreException.class).hasMessageContaining("(heard from 4999 ms ago)");
  }

  // ------------------------------------------------------------------ delivery failures

  @Test
  void aDeliveryFailureRequeuesForFreeAndMakesTheWorkerSuspectUntilItsNextHeartbeat() {
    s.worker("w1", 2).worker("w2", 2);
    s.submit(spec("j").cpu(2).retries(0, 0)); // no budget at all: a delivery failure must not need one
    s.schedule();
    assertThat(s.placements()).isEqualTo(Map.of("j/task-0", "w1"));
    s.drain();

    s.state.deliveryFailed(TaskId.parse("j/task-0"), 0, "w1", "connection refused", s.now);

    assertThat(s.taskState("j/task-0")).isEqualTo(PENDING);
    assertThat(s.task("j/task-0").failureCount()).isZero();
    assertThat(s.task("j/task-0").preemptionCount()).isZero();
    assertThat(s.job("j").preemptionCount()).isZero();
    assertThat(s.jobState("j")).isNotEqualTo(JobState.WORKER_FAILED);
    assertThat(s.holdings("w1")).isEmpty();
    assertThat(s.committedCpu("w1")).isZero();
    WorkerRecord w1 = s.w("w1");
    assertThat(w1.isSuspect()).isTrue();
    assertThat(w1.isSchedulable()).isFalse();
    assertThat(w1.isAlive()).isTrue();
    assertThat(w1.consecutiveFailures()).isEqualTo(1);
    Drained d = s.drain();
    assertThat(taskEvents(d)).containsExactly("j/task-0 PENDING");
    assertThat(d.commands()).isEmpty();

    // the suspect worker is offered to the scheduler as unschedulable; the task goes to w2
    assertThat(s.state.schedulingInput().workers()).filteredOn(v -> v.workerId().equals("w1"))
        .singleElement().extracting(WorkerView::schedulable).isEqualTo(false);
    s.schedule();
    assertThat(s.placements()).isEqualTo(Map.of("j/task-0", "w2"));
    s.state.deliveryFailed(TaskId.parse("j/task-0"), 1, "w2", "timeout", s.now);
    assertThat(s.task("j/task-0").preemptionCount()).isZero();

    // both suspect: nothing can be placed until a heartbeat clears one
    assertThat(s.schedule()).isZero();
    assertThat(s.heartbeat("w1")).isTrue();
    assertThat(s.w("w1").isSchedulable()).isTrue();
    assertThat(s.w("w1").consecutiveFailures()).isZero();
    assertThat(s.drain().wakeScheduler()).isTrue();
    s.schedule();
    assertThat(s.placements()).isEqualTo(Map.of("j/task-0", "w1"));
    assertThat(s.task("j/task-0").currentAttemptId()).isEqualTo(2);
    s.runAndSucceed("j/task-0");
    assertThat(s.jobState("j")).isEqualTo(JobState.SUCCEEDED);
    s.assertConsistent();
  }

  @Test
  void aDeliveryFailureForAnAttemptThatAlreadyMovedOnIsIgnored() {
    s.worker("w1", 2);
    s.submit("j", 1, 1);
    s.schedule();
    s.report("j/task-0", RUNNING); // it did arrive after all

    s.state.deliveryFailed(TaskId.parse("j/task-0"), 0, "w1", "late timeout", s.now);

    assertThat(s.taskState("j/task-0")).isEqualTo(RUNNING);
    assertThat(s.w("w1").isSuspect()).isFalse();
    assertThat(s.holdings("w1")).containsExactly("j/task-0#0");
  }
}
