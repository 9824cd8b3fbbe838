package dev.iris.controller.state;

import static dev.iris.controller.state.Store.events;
import static dev.iris.controller.state.Store.spec;
import static dev.iris.core.TaskState.FAILED;
import static dev.iris.core.TaskState.RUNNING;
import static dev.iris.core.TaskState.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iris.controller.state.ClusterState.Drained;
import dev.iris.core.Endpoint;
import dev.iris.core.JobId;
import dev.iris.core.TaskId;
import dev.iris.core.ValidationException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Endpoints belong to the attempt that registered them and disappear when it ends or the job finishes. */
class EndpointsTest {
  private final Store s = new Store();

  private Endpoint register(String name, String taskId, int attemptId) {
    TaskId t = TaskId.parse(taskId);
    return s.state.registerEndpoint(name, "10.0.0.1:" + (30000 + t.index()), t.job(), t, attemptId,
        Map.of("k", "v"), s.now);
  }

  private List<String> names() {
    return s.state.endpoints().list("").stream().map(Endpoint::name).toList();
  }

  private static List<String> removed(Drained d) {
    return events(d, StoreEvent.Kind.ENDPOINT_REMOVED).stream().map(StoreEvent::endpointName).toList();
  }

  private void running(String job, int replicas, int retriesOnFailure) {
    s.worker("w1", 8).worker("w2", 8);
    s.submit(spec(job).replicas(replicas).retries(retriesOnFailure, 100));
    s.schedule();
    for (int i = 0; i < replicas; i++) {
      s.report(job + "/task-" + i, RUNNING);
    }
    s.drain();
  }

  @Test
  void aRunningAttemptRegistersAnEndpoint() {
    running("j", 1, 0);

    Endpoint e = register("j/coordinator", "j/task-0", 0);

    assertThat(e.id()).isNotEmpty();
    assertThat(e.task()).isEqualTo(TaskId.parse("j/task-0"));
    assertThat(e.attemptId()).isZero();
    assertThat(e.metadata()).isEqualTo(Map.of("k", "v"));
    assertThat(s.state.endpoints().lookup("j/coordinator")).contains(e);
    StoreEvent added = events(s.drain(), StoreEvent.Kind.ENDPOINT_ADDED).get(0);
    assertThat(added.endpointName()).isEqualTo("j/coordinator");
    assertThat(added.jobId()).isEqualTo("j");
    assertThat(added.taskId()).isEqualTo("j/task-0");
    assertThat(added.message()).isEqualTo("10.0.0.1:30000");
  }

  @Test
  void endpointsAreListedByPrefixInNameOrder() {
    running("j", 3, 0);
    register("j/workers/2", "j/task-2", 0);
    register("j/workers/0", "j/task-0", 0);
    register("j/coordinator", "j/task-0", 0);
    register("j/workers/1", "j/task-1", 0);

    assertThat(s.state.endpoints().list("j/workers/")).extracting(Endpoint::name)
        .containsExactly("j/workers/0", "j/workers/1", "j/workers/2");
    assertThat(s.state.endpoints().list("j/c")).extracting(Endpoint::name).containsExactly("j/coordinator");
    assertThat(s.state.endpoints().list("k")).isEmpty();
    assertThat(names()).hasSize(4);
  }

  @Test
  void anEndpointIsRemovedWhenItsAttemptIsRetried() {
    running("j", 2, 1);
    register("j/server-0", "j/task-0", 0);
    register("j/server-1", "j/task-1", 0);
    s.drain();

    s.report("j/task-0", FAILED);

    assertThat(names()).containsExactly("j/server-1");
    Drained d = s.drain();
    assertThat(removed(d)).containsExactly("j/server-0");
    assertThat(events(d, StoreEvent.Kind.ENDPOINT_REMOVED).get(0).attemptId()).isZero();

    // the retry registers its own, under the same name
    s.schedule();
    s.report("j/task-0", RUNNING);
    Endpoint again = register("j/server-0", "j/task-0", 1);
    assertThat(again.attemptId()).isEqualTo(1);
    assertThat(s.state.endpoints().lookup("j/server-0")).contains(again);
  }

  @Test
  void anEndpointIsRemovedWhenItsWorkerIsLost() {
    running("j", 1, 0);
    register("j/server", "j/task-0", 0);
    s.drain();

    s.at(10_000);
    s.state.checkWorkerLiveness(s.now);

    assertThat(names()).isEmpty();
    assertThat(removed(s.drain())).containsExactly("j/server");
  }

  @Test
  void anEndpointIsRemovedWhenItsTaskSucceedsAndTheRestWhenTheJobFinishes() {
    running("j", 2, 0);
    register("j/server-0", "j/task-0", 0);
    s.state.registerEndpoint("j/dashboard", "10.0.0.9:8080", JobId.of("j"), null, -1, Map.of(), s.now);
    s.drain();

    s.report("j/task-0", SUCCEEDED);
    assertThat(names()).containsExactly("j/dashboard"); // the job-level endpoint lives as long as the job
    assertThat(removed(s.drain())).containsExactly("j/server-0");

    s.report("j/task-1", SUCCEEDED);
    assertThat(names()).isEmpty();
    assertThat(removed(s.drain())).containsExactly("j/dashboard");
    assertThat(s.state.endpoints().size()).isZero();
  }

  @Test
  void endpointsAreRemovedWhenTheJobIsKilled() {
    running("j", 2, 0);
    register("j/a", "j/task-0", 0);
    register("j/b", "j/task-1", 0);
    s.drain();

    s.state.terminate(JobId.of("j"), "user", s.now);

    assertThat(names()).isEmpty();
    assertThat(removed(s.drain())).containsExactlyInAnyOrder("j/a", "j/b");
  }

  @Test
  void aStaleAttemptCannotRegister() {
    running("j", 1, 1);
    s.report("j/task-0", FAILED);
    s.schedule(); // attempt 1 now

    assertThatThrownBy(() -> register("j/server", "j/task-0", 0))
        .isInstanceOfSatisfying(StoreException.class,
            e -> assertThat(e.code()).isEqualTo(StoreException.Code.FAILED_PRECONDITION))
        .hasMessageContaining("attempt 0");
    assertThatThrownBy(() -> register("j/server", "j/task-0", 7))
        .isInstanceOf(StoreException.class);
    assertThat(names()).isEmpty();
  }

  @Test
  void anEndedAttemptOrAFinishedJobCannotRegister() {
    running("j", 2, 0);
    s.report("j/task-0", SUCCEEDED);

    assertThatThrownBy(() -> register("j/late", "j/task-0", 0))
        .isInstanceOfSatisfying(StoreException.class,
            e -> assertThat(e.code()).isEqualTo(StoreException.Code.FAILED_PRECONDITION));

    s.report("j/task-1", SUCCEEDED);
    assertThatThrownBy(() -> s.state.registerEndpoint("j/x", "h:1", JobId.of("j"), null, -1, Map.of(), s.now))
        .isInstanceOfSatisfying(StoreException.class,
            e -> assertThat(e.code()).isEqualTo(StoreException.Code.FAILED_PRECONDITION));
    assertThat(names()).isEmpty();
  }

  @Test
  void unknownJobsAndTasksAreNotFound() {
    running("j", 1, 0);
    s.submit("other", 1, 1);

    assertThatThrownBy(() -> s.state.registerEndpoint("x", "h:1", JobId.of("nope"), null, -1, Map.of(), s.now))
        .isInstanceOfSatisfying(StoreException.class,
            e -> assertThat(e.code()).isEqualTo(StoreException.Code.NOT_FOUND));
    assertThatThrownBy(() -> s.state.registerEndpoint("x", "h:1", JobId.of("j"), TaskId.parse("j/task-4"), 0,
        Map.of(), s.now))
        .isInstanceOfSatisfying(StoreException.class,
            e -> assertThat(e.code()).isEqualTo(StoreException.Code.NOT_FOUND));
    assertThatThrownBy(() -> s.state.registerEndpoint("x", "h:1", JobId.of("other"), TaskId.parse("j/task-0"), 0,
        Map.of(), s.now))
        .isInstanceOfSatisfying(StoreException.class,
            e -> assertThat(e.code()).isEqualTo(StoreException.Code.NOT_FOUND));
  }

  @Test
  void badNamesAndAddressesAreRejected() {
    running("j", 1, 0);

    assertThatThrownBy(() -> register("has space", "j/task-0", 0)).isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> register("", "j/task-0", 0)).isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> s.state.registerEndpoint("ok", " ", JobId.of("j"), TaskId.parse("j/task-0"), 0,
        Map.of(), s.now)).isInstanceOf(ValidationException.class);
    assertThat(names()).isEmpty();
    assertThat(events(s.drain(), StoreEvent.Kind.ENDPOINT_ADDED)).isEmpty();
  }

  @Test
  void unregisterRemovesOnceAndSaysSo() {
    running("j", 1, 0);
    Endpoint e = register("j/server", "j/task-0", 0);
    s.drain();

    assertThat(s.state.unregisterEndpoint(e.id(), s.now)).isTrue();
    assertThat(removed(s.drain())).containsExactly("j/server");
    assertThat(s.state.unregisterEndpoint(e.id(), s.now)).isFalse();
    assertThat(s.state.unregisterEndpoint("ep-999", s.now)).isFalse();
    assertThat(s.drain().events()).isEmpty();

    // and its attempt ending later removes nothing more
    s.report("j/task-0", SUCCEEDED);
    assertThat(removed(s.drain())).isEmpty();
  }
}
