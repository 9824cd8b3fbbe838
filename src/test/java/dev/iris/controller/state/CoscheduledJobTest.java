package dev.iris.controller.state;

import static dev.iris.controller.state.Store.commands;
import static dev.iris.controller.state.Store.spec;
import static dev.iris.core.TaskState.ASSIGNED;
import static dev.iris.core.TaskState.FAILED;
import static dev.iris.core.TaskState.PENDING;
import static dev.iris.core.TaskState.RUNNING;
import static dev.iris.core.TaskState.SUCCEEDED;
import static dev.iris.scheduler.Scheduler.WORKER_INDEX_ATTRIBUTE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.controller.state.ClusterState.Drained;
import dev.iris.core.JobState;
import dev.iris.core.TaskId;
import dev.iris.scheduler.Plan;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Gangs through the store: placed whole on one group or not at all; a failing member takes its siblings down. */
class CoscheduledJobTest {
  private static final String SLICE = "tpu-name";
  private final Store s = new Store();

  private void member(String id, String slice, int index) {
    s.worker(id, 4, SLICE, slice, WORKER_INDEX_ATTRIBUTE, String.valueOf(index));
  }

  /** Slice "small" of two workers (a0, a1), slice "big" of three (b0, b1, b2). */
  private void slices() {
    member("a0", "small", 0);
    member("a1", "small", 1);
    member("b2", "big", 2);
    member("b0", "big", 0);
    member("b1", "big", 1);
  }

  private void runningGangOnBig(int retriesOnFailure) {
    slices();
    s.submit(spec("g").replicas(3).cpu(4).gang(SLICE).retries(retriesOnFailure, 100));
    assertThat(s.schedule()).isEqualTo(3);
    for (int i = 0; i < 3; i++) {
      s.report("g/task-" + i, RUNNING);
    }
    s.drain();
  }

  private void assertBigIsFree() {
    for (String w : List.of("b0", "b1", "b2")) {
      assertThat(s.holdings(w)).as(w).isEmpty();
      assertThat(s.committedCpu(w)).as(w).isZero();
    }
  }

  @Test
  void aGangIsPlacedWholeOnOneGroupInWorkerIndexOrder() {
    slices();
    s.submit(spec("g").replicas(3).cpu(4).gang(SLICE));

    assertThat(s.schedule()).isEqualTo(3);

    assertThat(s.placements()).isEqualTo(Map.of("g/task-0", "b0", "g/task-1", "b1", "g/task-2", "b2"));
    assertThat(commands(s.drain())).containsExactly("Run g/task-0#0@b0", "Run g/task-1#0@b1", "Run g/task-2#0@b2");
    assertThat(s.job("g").pendingReason()).isEmpty();
    s.assertConsistent();
  }

  @Test
  void aGangThatFitsNoGroupIsNotPlacedAtAll() {
    slices();
    s.submit(spec("g").replicas(4).cpu(1).gang(SLICE));

    assertThat(s.schedule()).isZero();

    assertThat(s.counts("g")).isEqualTo(Map.of(PENDING, 4));
    assertThat(s.job("g").pendingReason())
        .isEqualTo("coscheduling: need 4 workers in one 'tpu-name' group, largest has 3");
    assertThat(s.drain().commands()).isEmpty();
    for (String w : List.of("a0", "a1", "b0", "b1", "b2")) {
      assertThat(s.committedCpu(w)).isZero();
    }
  }

  // ------------------------------------------------------------------ at submission: can any group ever hold it?

  /** Submits as the API does, through the mutation (which checks the gang against the live workers). */
  private void submitted(Store.Spec spec) {
    new Mutation.SubmitJob(spec.build(), null, dev.iris.core.auth.Caller.admin()).applyTo(s.state, s.now);
  }

  private org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> refusedAtSubmission(Store.Spec spec) {
    s.drain();
    return org.assertj.core.api.Assertions.assertThatThrownBy(() -> submitted(spec))
        .isInstanceOfSatisfying(StoreException.class,
            e -> assertThat(e.code()).isEqualTo(dev.iris.core.Refusal.Code.FAILED_PRECONDITION))
        .satisfies(e -> {
          assertThat(s.state.job(dev.iris.core.JobId.of("g"))).isEmpty();
          Drained d = s.drain();
          assertThat(d.events()).isEmpty();
          assertThat(d.wakeScheduler()).isFalse();
        });
  }

  @Test
  void aGangLargerThanEveryGroupIsRefusedAtSubmissionNamingTheLargest() {
    slices();

    refusedAtSubmission(spec("g").replicas(4).cpu(1).gang(SLICE)).hasMessage("coscheduled job 'g' needs 4 workers "
        + "with the same 'tpu-name' that each have room for one task (1 cpu, 1 GiB memory, 0 B disk, 0 gpu); the largest "
        + "such group, tpu-name=big, has 3 (of 5 registered workers): add workers to a group, or submit fewer replicas");
  }

  @Test
  void onlyWorkersThatCouldEverHoldATaskCount() {
    slices();
    s.worker("c0", 16, SLICE, "wide");
    s.worker("c1", 16, SLICE, "wide", "zone", "b");

    // big has three workers, but none with 8 cpu
    refusedAtSubmission(spec("g").replicas(3).cpu(8).gang(SLICE)).hasMessageEndingWith("the largest such group, "
        + "tpu-name=wide, has 2 (of 7 registered workers): add workers to a group, or submit fewer replicas");
    // fits wide, both workers of which have 16 cpu in all (busy or not)
    submitted(spec("g").replicas(2).cpu(8).gang(SLICE));
    s.state.terminate(dev.iris.core.JobId.of("g"), "test", s.now);
    s.state.forgetFinishedJobs(s.now + 1_000_000_000L);

    refusedAtSubmission(spec("g").replicas(2).cpu(8).gang(SLICE)
        .constraints(dev.iris.core.Constraint.of("zone", dev.iris.core.ConstraintOp.EQ, "b")))
        .hasMessage("coscheduled job 'g' needs 2 workers with the same 'tpu-name' that each have room for one task "
            + "(8 cpu, 1 GiB memory, 0 B disk, 0 gpu) and match its constraints; the largest such group, tpu-name=wide, "
            + "has 1 (of 7 registered workers): add workers to a group, or submit fewer replicas");
    refusedAtSubmission(spec("g").replicas(1).cpu(32).gang(SLICE)).hasMessage("coscheduled job 'g' needs 1 worker "
        + "with the same 'tpu-name' that each have room for one task (32 cpu, 1 GiB memory, 0 B disk, 0 gpu); none of "
        + "the 7 of the 7 registered workers with attribute 'tpu-name' has room for one: add workers to a group, or "
        + "submit fewer replicas");
  }

  @Test
  void aGangByAnAttributeNoWorkerHasIsRefused() {
    slices();

    refusedAtSubmission(spec("g").replicas(2).cpu(1).gang("rack")).hasMessage("coscheduled job 'g' needs 2 workers "
        + "with the same 'rack' that each have room for one task (1 cpu, 1 GiB memory, 0 B disk, 0 gpu); none of the 5 "
        + "registered workers has attribute 'rack': add workers to a group, or submit fewer replicas");
  }

  @Test
  void withNoWorkerYetAGangIsAcceptedAndSaysWhyItWaits() {
    submitted(spec("g").replicas(4).cpu(1).gang(SLICE));

    assertThat(s.schedule()).isZero();
    assertThat(s.job("g").pendingReason()).isEqualTo("no workers registered");

    slices(); // too few for it after all: it waits, and says why
    assertThat(s.schedule()).isZero();
    assertThat(s.job("g").pendingReason()).isEqualTo("coscheduling: need 4 workers in one 'tpu-name' group, largest has 3");
  }

  @Test
  void lostWorkersDoNotCountButBusyOnesDo() {
    slices();
    member("b3", "big", 3);
    submitted(spec("hog").cpu(4).constraints(dev.iris.core.Constraint.of("tpu-name", dev.iris.core.ConstraintOp.EQ,
        "big")));
    s.schedule(); // one of big is busy: a gang of four still fits big, once it is free
    submitted(spec("g").replicas(4).cpu(4).gang(SLICE));
    assertThat(s.schedule()).isZero();
    assertThat(s.job("g").pendingReason()).isEqualTo("coscheduling: need 4 workers with 4 cpu free in one 'tpu-name' "
        + "group, largest has 3");

    s.advance(5_001);
    for (String w : List.of("a0", "a1", "b0", "b1", "b2")) {
      s.heartbeat(w);
    }
    s.state.checkWorkerLiveness(s.now); // b3 is lost: big has three live workers left

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> submitted(spec("g2").replicas(4).cpu(4).gang(SLICE)))
        .isInstanceOf(StoreException.class).hasMessageContaining("the largest such group, tpu-name=big, has 3 (of 5 "
            + "registered workers)");
  }

  @Test
  void aGangWaitsWholeWhileOneMemberWorkerIsBusy() {
    slices();
    s.submit(spec("hog").cpu(4).constraints(dev.iris.core.Constraint.of("tpu-name", dev.iris.core.ConstraintOp.EQ, "big")));
    s.schedule();
    assertThat(s.placements()).isEqualTo(Map.of("hog/task-0", "b2"));

    s.submit(spec("g").replicas(3).cpu(4).gang(SLICE));
    assertThat(s.schedule()).isZero();
    assertThat(s.counts("g")).isEqualTo(Map.of(PENDING, 3));

    s.runAndSucceed("hog/task-0");
    assertThat(s.schedule()).isEqualTo(3);
    assertThat(s.counts("g")).isEqualTo(Map.of(ASSIGNED, 3));
  }

  @Test
  void aFailingMemberFailsItsSiblingsAndReleasesTheirResources() {
    runningGangOnBig(0);

    s.report("g/task-1", FAILED);

    assertThat(s.jobState("g")).isEqualTo(JobState.FAILED);
    assertThat(s.counts("g")).isEqualTo(Map.of(FAILED, 3));
    assertThat(s.task("g/task-0").error()).contains("coscheduled sibling task-1 failed");
    Drained d = s.drain();
    assertThat(commands(d)).containsExactlyInAnyOrder("Kill g/task-0#0@b0", "Kill g/task-2#0@b2");
    assertBigIsFree();
    s.assertConsistent();
  }

  @Test
  void aFailingMemberWithRetriesRequeuesTheWholeGangWhichIsPlacedAgainWhole() {
    runningGangOnBig(1);

    s.report("g/task-2", FAILED);

    assertThat(s.counts("g")).isEqualTo(Map.of(PENDING, 3));
    assertThat(s.jobState("g")).isEqualTo(JobState.RUNNING);
    assertThat(commands(s.drain())).containsExactlyInAnyOrder("Kill g/task-0#0@b0", "Kill g/task-1#0@b1");
    assertBigIsFree();

    assertThat(s.schedule()).isEqualTo(3);
    assertThat(s.placements()).isEqualTo(Map.of("g/task-0", "b0", "g/task-1", "b1", "g/task-2", "b2"));
    assertThat(commands(s.drain())).containsExactly("Run g/task-0#1@b0", "Run g/task-1#1@b1", "Run g/task-2#1@b2");
    s.assertConsistent();

    for (int i = 0; i < 3; i++) {
      s.runAndSucceed("g/task-" + i);
    }
    assertThat(s.jobState("g")).isEqualTo(JobState.SUCCEEDED);
  }

  @Test
  void losingOneMembersWorkerPreemptsTheWholeGang() {
    runningGangOnBig(0);
    s.at(5_000);
    s.heartbeat("b0", "g/task-0#0=RUNNING");
    s.heartbeat("b2", "g/task-2#0=RUNNING");
    for (String w : List.of("a0", "a1")) {
      s.heartbeat(w);
    }
    s.drain();

    s.at(6_500); // b1 silent since 1 000
    s.state.checkWorkerLiveness(s.now);

    assertThat(s.w("b1").isAlive()).isFalse();
    assertThat(s.counts("g")).isEqualTo(Map.of(PENDING, 3));
    assertThat(s.job("g").preemptionCount()).isEqualTo(3);
    assertThat(s.job("g").failureCount()).isZero();
    assertThat(commands(s.drain())).containsExactlyInAnyOrder("Kill g/task-0#0@b0", "Kill g/task-2#0@b2");
    assertBigIsFree();

    // "big" has two live members now, too few: the gang waits whole
    assertThat(s.schedule()).isZero();
    assertThat(s.job("g").pendingReason()).contains("largest has 2");
    s.assertConsistent();
  }

  @Test
  void aMemberThatWasNeverDeliveredStopsTheGangForFree() {
    slices();
    s.submit(spec("g").replicas(3).cpu(4).gang(SLICE).retries(0, 0));
    s.schedule();
    s.report("g/task-0", RUNNING);
    s.report("g/task-2", RUNNING);
    s.drain();

    s.state.deliveryFailed(TaskId.parse("g/task-1"), 0, "b1", "connection refused", s.now);

    // a gang is whole or not at all: the delivered members are stopped too, and nothing is charged
    assertThat(s.counts("g")).isEqualTo(Map.of(PENDING, 3));
    assertThat(s.job("g").preemptionCount()).isZero();
    assertThat(s.job("g").failureCount()).isZero();
    assertThat(commands(s.drain())).containsExactlyInAnyOrder("Kill g/task-0#0@b0", "Kill g/task-2#0@b2");
    assertBigIsFree();
    assertThat(s.w("b1").isSuspect()).isTrue();

    // once b1 is heard from again, the gang is placed again, whole
    s.heartbeat("b1");
    assertThat(s.schedule()).isEqualTo(3);
    assertThat(s.counts("g")).isEqualTo(Map.of(ASSIGNED, 3));
    s.assertConsistent();
  }

  @Test
  void aPlanForAGangIsCommittedWholeOrNotAtAll() {
    slices();
    s.submit(spec("g").replicas(3).cpu(4).gang(SLICE));
    Plan plan = s.plan();
    assertThat(plan.assignments()).extracting(a -> a.workerId()).containsExactly("b0", "b1", "b2");

    // b1 is lost before the plan is committed: b0 and b2 alone would be a partial gang
    s.at(7_000);
    s.heartbeat("b0");
    s.heartbeat("b2");
    s.state.checkWorkerLiveness(s.now);
    assertThat(s.w("b1").isAlive()).isFalse();
    s.drain();

    assertThat(s.state.commit(plan, s.now)).isZero();

    assertThat(s.counts("g")).isEqualTo(Map.of(PENDING, 3));
    assertThat(s.drain().commands()).isEmpty();
    assertBigIsFree();
    s.assertConsistent();
  }

  @Test
  void aGangPlanWhoseMemberWasPlacedMeanwhileIsNotCommitted() {
    slices();
    s.submit(spec("g").replicas(3).cpu(4).gang(SLICE));
    Plan plan = s.plan();
    // a competing pass over the same snapshot filled b2 first (a concurrent plan for another job)
    s.submit(spec("hog").cpu(4));
    Plan hog = s.scheduler.schedule(
        s.state.schedulingInput().queue().stream().filter(r -> r.job().value().equals("hog")).toList(),
        List.of(s.state.schedulingInput().workers().stream().filter(w -> w.workerId().equals("b2")).findFirst().orElseThrow()));
    assertThat(s.state.commit(hog, s.now)).isEqualTo(1);
    s.drain();

    assertThat(s.state.commit(plan, s.now)).isZero();

    assertThat(s.counts("g")).isEqualTo(Map.of(PENDING, 3));
    assertThat(s.holdings("b0")).isEmpty();
    assertThat(s.holdings("b1")).isEmpty();
    assertThat(s.holdings("b2")).containsExactly("hog/task-0#0");
    assertThat(s.drain().commands()).isEmpty();
    s.assertConsistent();
  }

  @Test
  void aGangPlanForAnEarlierJobOfTheSameIdDoesNotHalfPlaceTheNewOne() {
    slices();
    s.submit(spec("g").replicas(2).cpu(4).gang(SLICE));
    Plan plan = s.plan(); // g/task-0 and g/task-1 onto "small"
    s.state.terminate(dev.iris.core.JobId.of("g"), "user", s.now);
    s.submit(spec("g").replicas(3).cpu(4).gang(SLICE)); // same id, a gang of three

    assertThat(s.state.commit(plan, s.now)).isZero();

    assertThat(s.counts("g")).isEqualTo(Map.of(PENDING, 3));
    assertThat(s.holdings("a0")).isEmpty();
    assertThat(s.schedule()).isEqualTo(3);
    assertThat(s.placements()).isEqualTo(Map.of("g/task-0", "b0", "g/task-1", "b1", "g/task-2", "b2"));
    s.assertConsistent();
  }
}
