package dev.iris.controller.state;

import static dev.iris.controller.state.Store.spec;
import static dev.iris.core.TaskState.RUNNING;
import static dev.iris.core.TaskState.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.controller.state.ClusterState.AttemptReport;
import dev.iris.controller.state.ClusterState.Drained;
import dev.iris.core.Job;
import dev.iris.core.JobId;
import dev.iris.core.Resources;
import dev.iris.core.Task;
import dev.iris.core.TaskAttempt;
import dev.iris.core.TaskId;
import dev.iris.core.auth.Caller;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each {@link Mutation} has exactly the effect of the {@link ClusterState} command it names: applied to one
 * of two equal stores, it answers what the command answers on the other, and leaves the same state and the
 * same outbox (events, worker commands, probes). The table covers the whole family.
 */
class MutationTest {
  private static final TaskId RUNNING_TASK = TaskId.parse("run/task-0");
  private static final TaskId ASSIGNED_TASK = TaskId.parse("run/task-1");
  private static final StoreConfig RECONFIGURED = new StoreConfig(60_000, 4, 1_000, 10, 500,
      new StoreConfig.JobRetention(60_000, 100, 5));

  /**
   * One mutation, built from the world it is applied to, and the direct command it stands for, applied
   * {@code laterMs} after the world was set up.
   */
  record Row(Class<?> type, long laterMs, Function<Store, Mutation<?>> mutation, Function<Store, Object> direct) {
    @Override
    public String toString() {
      return type.getSimpleName();
    }
  }

  static Stream<Row> rows() {
    return Stream.of(
        new Row(Mutation.SubmitJob.class, 0,
            s -> new Mutation.SubmitJob(spec("new").build(), null, Caller.admin()),
            s -> s.state.submit(spec("new").build(), null, s.now).id()),
        new Row(Mutation.TerminateJob.class, 0,
            s -> new Mutation.TerminateJob(JobId.of("run"), "killed by user"),
            s -> {
              s.state.terminate(JobId.of("run"), "killed by user", s.now);
              return s.job("run").state();
            }),
        new Row(Mutation.RegisterWorker.class, 0,
            s -> new Mutation.RegisterWorker(newWorker(), new AcceptMark("", 0), List.of(), Caller.admin()),
            s -> {
              s.state.registerWorker(newWorker(), new AcceptMark("", 0), List.of(), s.now);
              return null;
            }),
        new Row(Mutation.Heartbeat.class, 0,
            s -> new Mutation.Heartbeat(workerOf(s, RUNNING_TASK), AcceptMark.NONE, List.of(), Caller.admin()),
            s -> s.state.heartbeat(workerOf(s, RUNNING_TASK), AcceptMark.NONE, List.of(), s.now)),
        new Row(Mutation.ReportTaskStates.class, 0,
            s -> new Mutation.ReportTaskStates(workerOf(s, RUNNING_TASK), List.of(succeeded(s)), Caller.admin()),
            s -> {
              s.state.report(workerOf(s, RUNNING_TASK), succeeded(s), s.now);
              return null;
            }),
        new Row(Mutation.CommitPlan.class, 0,
            s -> new Mutation.CommitPlan(s.plan()),
            s -> s.state.commit(s.plan(), s.now)),
        new Row(Mutation.Delivered.class, 0,
            s -> new Mutation.Delivered(ASSIGNED_TASK, attemptOf(s, ASSIGNED_TASK), workerOf(s, ASSIGNED_TASK),
                new AcceptMark("", 1)),
            s -> {
              s.state.delivered(ASSIGNED_TASK, attemptOf(s, ASSIGNED_TASK), workerOf(s, ASSIGNED_TASK),
                  new AcceptMark("", 1));
              return null;
            }),
        new Row(Mutation.DeliveryFailed.class, 0,
            s -> new Mutation.DeliveryFailed(ASSIGNED_TASK, attemptOf(s, ASSIGNED_TASK), workerOf(s, ASSIGNED_TASK),
                "refused", false),
            s -> {
              s.state.deliveryFailed(ASSIGNED_TASK, attemptOf(s, ASSIGNED_TASK), workerOf(s, ASSIGNED_TASK),
                  "refused", false, s.now);
              return null;
            }),
        new Row(Mutation.Fenced.class, 0,
            s -> new Mutation.Fenced(ASSIGNED_TASK, attemptOf(s, ASSIGNED_TASK), workerOf(s, ASSIGNED_TASK)),
            s -> {
              s.state.fenced(ASSIGNED_TASK, attemptOf(s, ASSIGNED_TASK), workerOf(s, ASSIGNED_TASK), s.now);
              return null;
            }),
        new Row(Mutation.WorkerUnreachable.class, 2_000,
            s -> new Mutation.WorkerUnreachable(workerOf(s, RUNNING_TASK), "connection refused"),
            s -> {
              s.state.workerUnreachable(workerOf(s, RUNNING_TASK), "connection refused", s.now);
              return null;
            }),
        new Row(Mutation.RegisterEndpoint.class, 0,
            s -> new Mutation.RegisterEndpoint("run/ep2", "10.0.0.1:2", JobId.of("run"), RUNNING_TASK,
                attemptOf(s, RUNNING_TASK), Map.of("k", "v")),
            s -> s.state.registerEndpoint("run/ep2", "10.0.0.1:2", JobId.of("run"), RUNNING_TASK,
                attemptOf(s, RUNNING_TASK), Map.of("k", "v"), s.now)),
        new Row(Mutation.UnregisterEndpoint.class, 0,
            s -> new Mutation.UnregisterEndpoint(endpointId(s)),
            s -> s.state.unregisterEndpoint(endpointId(s), s.now)),
        new Row(Mutation.ControllerRestarted.class, 10_000,
            s -> new Mutation.ControllerRestarted(),
            s -> {
              s.state.controllerRestarted(s.now);
              return null;
            }),
        new Row(Mutation.Reconfigure.class, 0,
            s -> new Mutation.Reconfigure(RECONFIGURED),
            s -> {
              s.state.reconfigure(RECONFIGURED, s.now);
              return null;
            }),
        new Row(Mutation.Tick.class, 10_000,
            s -> new Mutation.Tick(),
            s -> {
              s.state.checkWorkerLiveness(s.now);
              s.state.expireSchedulingTimeouts(s.now);
              s.state.forgetFinishedJobs(s.now);
              return null;
            }));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void aMutationHasTheEffectOfItsCommand(Row row) {
    Store viaMutation = world().advance(row.laterMs());
    Store direct = world().advance(row.laterMs());
    String before = fingerprint(direct);

    Object answer = row.mutation().apply(viaMutation).applyTo(viaMutation.state, viaMutation.now);
    Object expected = row.direct().apply(direct);

    assertThat(answer).as("answer").isEqualTo(expected);
    assertThat(fingerprint(viaMutation)).as("state").isEqualTo(fingerprint(direct));
    Drained produced = viaMutation.drain();
    assertThat(produced).as("outbox").isEqualTo(direct.drain());
    assertThat(expected != null || !produced.events().isEmpty() || !produced.commands().isEmpty()
        || !produced.probes().isEmpty() || !fingerprint(viaMutation).equals(before))
        .as("the row exercises a change").isTrue();
  }

  @Test
  void theTableCoversEveryMutation() {
    assertThat(rows().map(Row::type).toList())
        .containsExactlyInAnyOrderElementsOf(Arrays.asList(Mutation.class.getPermittedSubclasses()));
  }

  // ------------------------------------------------------------------ the world

  /**
   * Two workers; job "run" with task 0 RUNNING (an endpoint registered by it) and task 1 ASSIGNED, its
   * RunTask not yet answered; job "wait" PENDING. The outbox is drained.
   */
  private static Store world() {
    Store s = new Store();
    s.worker("w1", 1).worker("w2", 1).worker("w3", 1);
    s.submit(spec("run").replicas(2));
    s.schedule();
    s.report(RUNNING_TASK.toString(), RUNNING);
    s.state.registerEndpoint("run/ep", "10.0.0.1:1", JobId.of("run"), RUNNING_TASK, attemptOf(s, RUNNING_TASK),
        Map.of(), s.now);
    s.submit(spec("wait"));
    s.drain();
    return s;
  }

  private static WorkerRecord.Registration newWorker() {
    return Store.registration("w9", Resources.of(2, Store.GIB));
  }

  private static String workerOf(Store s, TaskId task) {
    return s.task(task.toString()).currentAttempt().workerId();
  }

  private static int attemptOf(Store s, TaskId task) {
    return s.task(task.toString()).currentAttemptId();
  }

  private static AttemptReport succeeded(Store s) {
    return new AttemptReport(RUNNING_TASK, attemptOf(s, RUNNING_TASK), SUCCEEDED, 0, "", null);
  }

  private static String endpointId(Store s) {
    return s.state.endpoints().lookup("run/ep").orElseThrow().id();
  }

  /** Jobs, tasks, attempts, workers, holdings, endpoints and the event count, as text. */
  private static String fingerprint(Store s) {
    List<String> lines = new ArrayList<>();
    for (Job j : s.state.jobs()) {
      lines.add(j.id() + " " + j.state() + " " + j.pendingReason());
      for (Task t : j.tasks()) {
        TaskAttempt a = t.currentAttempt();
        lines.add("  " + t.id() + " " + t.state() + (a == null ? "" : " #" + a.attemptId() + "@" + a.workerId()));
      }
    }
    for (WorkerRecord w : s.state.workers()) {
      lines.add(w.id() + " alive=" + w.isAlive() + " suspect=" + w.isSuspect() + " heard=" + w.lastHeartbeatMs()
          + " " + w.holdings().values());
    }
    lines.add(s.state.endpoints().list("").toString());
    lines.add("events " + s.state.events().lastSequence());
    lines.add("config " + s.state.config());
    return String.join("\n", lines);
  }
}
