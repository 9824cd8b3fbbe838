package dev.iris.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.common.RpcException;
import dev.iris.rpc.Controller;
import dev.iris.rpc.TaskState;
import dev.iris.worker.attempt.AttemptKey;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The worker's state reports against a controller that answers each call only when the test says so. */
class StateReporterTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final List<TaskState> LIFECYCLE = List.of(TaskState.TASK_STATE_ASSIGNED,
      TaskState.TASK_STATE_BUILDING, TaskState.TASK_STATE_RUNNING, TaskState.TASK_STATE_SUCCEEDED);

  private Vertx vertx;
  private Context context;
  private WorkerMetrics metrics;
  private HeldController controller;
  private StateReporter reporter;
  /** What the settled listener heard, in order: {@code key=true|false}. */
  private final List<String> settled = new java.util.concurrent.CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    metrics = new WorkerMetrics(() -> 0);
    controller = new HeldController();
    reporter = new StateReporter(vertx, new ContextOps(context), controller, metrics, (key, acknowledged) -> settled.add(key + "=" + acknowledged));
  }

  @AfterEach
  void stop() throws Exception {
    onContext(() -> reporter.close());
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aBurstWhileABatchIsInFlightGoesInAFewCallsWithOnlyTheNewestStates() throws Exception {
    onContext(() -> reporter.report(key(0), report(0, TaskState.TASK_STATE_RUNNING)));
    assertThat(controller.calls).hasSize(1); // idle: sent at once, no delay
    onContext(() -> {
      for (int i = 1; i <= 1_000; i++) {
        reporter.report(key(i), report(i, TaskState.TASK_STATE_RUNNING));
        reporter.report(key(i), report(i, TaskState.TASK_STATE_SUCCEEDED));
      }
    });
    assertThat(controller.calls).hasSize(1); // nothing more while the first batch is in flight
    assertThat(onContext(reporter::pending)).isEqualTo(1_001);

    drain();
    assertThat(controller.calls.size()).isLessThanOrEqualTo(5);
    assertThat(controller.calls).allSatisfy(c -> assertThat(c.batch).isTrue())
        .allSatisfy(c -> assertThat(c.reports.size()).isLessThanOrEqualTo(StateReporter.MAX_BATCH));
    assertThat(controller.acknowledged).hasSize(1_001);
    for (int i = 1; i <= 1_000; i++) {
      assertThat(controller.states(task(i))).containsExactly(TaskState.TASK_STATE_SUCCEEDED);
    }
    assertThat(controller.states(task(0))).containsExactly(TaskState.TASK_STATE_RUNNING);
    assertThat(counter("delivered")).isEqualTo(1_001);
  }

  @Test
  void eachAttemptsStatesArriveInOrderAndOnlyTheNewestIsSent() throws Exception {
    Random random = new Random(12);
    int attempts = 200;
    Map<String, Integer> submitted = new ConcurrentHashMap<>(); // per task, the newest lifecycle step reported
    List<String> violations = new CopyOnWriteArrayList<>();
    controller.onCall = reports -> { // runs on the reporter's context, like the submissions
      if (controller.open() != null) {
        violations.add("a call while another is in flight");
      }
      if (reports.stream().map(Controller.ReportTaskStateRequest::getTaskId).distinct().count() != reports.size()) {
        violations.add("two reports of one attempt in a call: " + reports);
      }
      for (Controller.ReportTaskStateRequest r : reports) {
        if (LIFECYCLE.indexOf(r.getState()) != submitted.get(r.getTaskId())) {
          violations.add("sent " + r.getTaskId() + " " + r.getState() + " while a newer state was reported");
        }
      }
    };
    int[] next = new int[attempts];
    int left = attempts * LIFECYCLE.size();
    while (left > 0) {
      Call open = controller.open();
      if (open != null && random.nextInt(4) == 0) {
        open.ok();
        continue;
      }
      int i = random.nextInt(attempts);
      if (next[i] == LIFECYCLE.size()) {
        continue;
      }
      int step = next[i]++;
      left--;
      onContext(() -> {
        submitted.put(task(i), step);
        reporter.report(key(i), report(i, LIFECYCLE.get(step)));
      });
    }
    drain();

    assertThat(violations).isEmpty();
    assertThat(controller.calls.size()).isLessThan(attempts * LIFECYCLE.size() / 2);
    for (int i = 0; i < attempts; i++) {
      List<Integer> steps = controller.states(task(i)).stream().map(LIFECYCLE::indexOf).toList();
      assertThat(steps).as(task(i)).isSorted().doesNotHaveDuplicates().endsWith(LIFECYCLE.size() - 1);
    }
  }

  @Test
  void aBatchThatFailsTransientlyIsRetriedAndTheNewerStateWins() throws Exception {
    onContext(() -> reporter.report(key(1), report(1, TaskState.TASK_STATE_RUNNING)));
    onContext(() -> {
      reporter.report(key(2), report(2, TaskState.TASK_STATE_RUNNING));
      reporter.report(key(1), report(1, TaskState.TASK_STATE_SUCCEEDED));
    });
    long failedAt = System.nanoTime();
    controller.call(0).fail(GrpcStatus.UNAVAILABLE);
    Call retry = controller.call(1);
    assertThat(Duration.ofNanos(System.nanoTime() - failedAt)).isGreaterThanOrEqualTo( // jittered: half to all of it
        Duration.ofMillis(StateReporter.FIRST_BACKOFF_MS / 2));
    assertThat(retry.reports).extracting(r -> r.getTaskId() + " " + r.getState())
        .containsExactlyInAnyOrder(task(1) + " TASK_STATE_SUCCEEDED", task(2) + " TASK_STATE_RUNNING");
    assertThat(onContext(() -> reporter.isPending(key(1)))).isTrue();
    retry.ok();

    Poll.until(WAIT, "the retried batch acknowledged", () -> onContext(reporter::pending) == 0);
    assertThat(controller.states(task(1))).containsExactly(TaskState.TASK_STATE_SUCCEEDED);
    assertThat(counter("retried")).isEqualTo(1);
    assertThat(counter("delivered")).isEqualTo(2);
  }

  @Test
  void anAttemptSettlesOnceItsLatestReportIsAnsweredAcknowledgedOrRefused() throws Exception {
    onContext(() -> reporter.report(key(1), report(1, TaskState.TASK_STATE_RUNNING)));
    onContext(() -> {
      reporter.report(key(1), report(1, TaskState.TASK_STATE_SUCCEEDED)); // waits behind the RUNNING in flight
      reporter.report(key(2), report(2, TaskState.TASK_STATE_RUNNING));
    });
    controller.call(0).ok();
    assertThat(settled).as("key 1 still has its SUCCEEDED waiting").isEmpty();
    controller.call(1).answer(List.of("", "task id 'job/task-2' is not of this world"));
    Poll.until(WAIT, "both settled", () -> settled.size() == 2);
    assertThat(settled).containsExactly(key(1) + "=true", key(2) + "=false");
  }

  @Test
  void aReportTheControllerRefusesIsDroppedAndTheRestOfItsBatchDelivered() throws Exception {
    onContext(() -> reporter.report(key(1), report(1, TaskState.TASK_STATE_RUNNING)));
    onContext(() -> {
      reporter.report(key(2), report(2, TaskState.TASK_STATE_RUNNING));
      reporter.report(key(3), report(3, TaskState.TASK_STATE_RUNNING));
    });
    controller.call(0).ok();
    Call second = controller.call(1);
    assertThat(second.reports).extracting(Controller.ReportTaskStateRequest::getTaskId)
        .containsExactly(task(2), task(3));
    second.answer(List.of("task id 'job/task-2' is not of this world", ""));

    Poll.until(WAIT, "the batch settled", () -> onContext(reporter::pending) == 0);
    assertThat(onContext(() -> reporter.isPending(key(2)))).isFalse();
    Thread.sleep(3 * StateReporter.FIRST_BACKOFF_MS); // a retry would have come by now
    assertThat(controller.calls).hasSize(2);
    assertThat(counter("refused")).isEqualTo(1);
    assertThat(counter("delivered")).isEqualTo(2);
    assertThat(counter("retried")).isZero();
  }

  @Test
  void anOlderControllerWithoutBatchesGetsOneCallPerReport() throws Exception {
    controller.batchesUnknown = true;
    onContext(() -> reporter.report(key(1), report(1, TaskState.TASK_STATE_RUNNING)));
    Call single = controller.call(1);
    assertThat(controller.call(0).batch).isTrue();
    assertThat(single.batch).isFalse();
    onContext(() -> {
      reporter.report(key(2), report(2, TaskState.TASK_STATE_RUNNING));
      reporter.report(key(3), report(3, TaskState.TASK_STATE_RUNNING));
    });
    single.ok();
    controller.call(3); // the two waiting reports go at once, a call each
    assertThat(controller.call(2).batch).isFalse();
    controller.call(2).ok();
    controller.call(3).ok();
    Poll.until(WAIT, "all acknowledged", () -> onContext(reporter::pending) == 0);

    onContext(() -> reporter.report(key(1), report(1, TaskState.TASK_STATE_SUCCEEDED)));
    assertThat(controller.call(4).batch).isFalse(); // and so for the rest of the session
    controller.call(4).ok();
    assertThat(controller.calls).filteredOn(c -> c.batch).hasSize(1);
    assertThat(controller.states(task(1))).containsExactly(TaskState.TASK_STATE_RUNNING,
        TaskState.TASK_STATE_SUCCEEDED);
  }

  // ---------------------------------------------------------------- helpers

  private static String task(int i) {
    return "job/task-" + i;
  }

  private static AttemptKey key(int i) {
    return new AttemptKey(task(i), 0);
  }

  private static Controller.ReportTaskStateRequest report(int i, TaskState state) {
    return Controller.ReportTaskStateRequest.newBuilder().setWorkerId("w1").setTaskId(task(i)).setJobId("job")
        .setTaskIndex(i).setAttemptId(0).setState(state).build();
  }

  /** Answers every call as it comes until no report is pending. */
  private void drain() {
    Poll.until(WAIT, "every report acknowledged", () -> {
      Call open = controller.open();
      if (open != null) {
        open.ok();
      }
      return onContext(reporter::pending) == 0;
    });
  }

  private double counter(String outcome) {
    String series = "iris_worker_state_reports_total{outcome=\"" + outcome + "\"}";
    for (String line : onContext(() -> metrics.scrape(List.of())).split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    throw new AssertionError("no series " + series);
  }

  private void onContext(Runnable action) {
    onContext(() -> {
      action.run();
      return null;
    });
  }

  private <T> T onContext(Supplier<T> action) {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        result.complete(action.get());
      } catch (RuntimeException | AssertionError e) {
        result.completeExceptionally(e);
      }
    });
    try {
      return result.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** One report call the controller received; the test answers it. */
  private static final class Call {
    final boolean batch;
    final List<Controller.ReportTaskStateRequest> reports;
    final Promise<List<String>> answer = Promise.promise();
    private final HeldController controller;

    Call(boolean batch, List<Controller.ReportTaskStateRequest> reports, HeldController controller) {
      this.batch = batch;
      this.reports = reports;
      this.controller = controller;
    }

    void ok() {
      answer(Collections.nCopies(reports.size(), ""));
    }

    /** Answers with one error per report ("" = applied). */
    void answer(List<String> errors) {
      for (int i = 0; i < reports.size(); i++) {
        if (errors.get(i).isEmpty()) {
          controller.acknowledged.add(reports.get(i));
        }
      }
      answer.complete(errors);
    }

    void fail(GrpcStatus status) {
      answer.fail(new RpcException(status, "failed (test)"));
    }
  }

  /** A controller that holds each report call until the test answers it, and records the calls. */
  private static final class HeldController extends ForwardingController {
    final List<Call> calls = new CopyOnWriteArrayList<>();
    final List<Controller.ReportTaskStateRequest> acknowledged = new CopyOnWriteArrayList<>();
    volatile boolean batchesUnknown;
    volatile Consumer<List<Controller.ReportTaskStateRequest>> onCall = reports -> {};

    HeldController() {
      super(new StubController());
    }

    @Override
    public Future<Controller.ReportTaskStatesResponse> reportTaskStates(Controller.ReportTaskStatesRequest request) {
      Call call = record(true, request.getReportsList());
      if (batchesUnknown) {
        call.fail(GrpcStatus.UNIMPLEMENTED);
      }
      return call.answer.future()
          .map(errors -> Controller.ReportTaskStatesResponse.newBuilder().addAllErrors(errors).build());
    }

    @Override
    public Future<Controller.ReportTaskStateResponse> reportTaskState(Controller.ReportTaskStateRequest request) {
      return record(false, List.of(request)).answer.future().map(errors -> {
        if (!errors.get(0).isEmpty()) {
          throw new RpcException(GrpcStatus.INVALID_ARGUMENT, errors.get(0));
        }
        return Controller.ReportTaskStateResponse.getDefaultInstance();
      });
    }

    private Call record(boolean batch, List<Controller.ReportTaskStateRequest> reports) {
      onCall.accept(reports);
      Call call = new Call(batch, reports, this);
      calls.add(call);
      return call;
    }

    /** The n-th call, once it came. */
    Call call(int n) {
      Poll.until(WAIT, "report call #" + n, () -> calls.size() > n);
      return calls.get(n);
    }

    /** The first call not answered yet, or null. */
    Call open() {
      return calls.stream().filter(c -> !c.answer.future().isComplete()).findFirst().orElse(null);
    }

    /** The states of a task's attempt 0 the controller acknowledged, in order. */
    List<TaskState> states(String taskId) {
      List<TaskState> states = new ArrayList<>();
      for (Controller.ReportTaskStateRequest r : acknowledged) {
        if (r.getTaskId().equals(taskId)) {
          states.add(r.getState());
        }
      }
      return states;
    }
  }
}
