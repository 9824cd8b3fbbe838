package dev.iris.controller.state;

import static dev.iris.controller.state.Store.spec;
import static dev.iris.core.TaskState.RUNNING;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.controller.state.ClusterState.Drained;
import dev.iris.core.JobId;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Committed events: numbered from 1 without gaps, replayable from any retained sequence, bounded. */
class EventLogTest {

  /** A run of commands that produces a few dozen events of every kind. */
  private static List<StoreEvent> busyDay(Store s) {
    List<StoreEvent> drained = new ArrayList<>();
    s.worker("w1", 2).worker("w2", 2);
    s.submit(spec("a").replicas(3).retries(1, 1));
    s.submit("b", 1, 1);
    drained.addAll(s.drain().events());
    s.schedule();
    s.report("a/task-0", RUNNING);
    s.state.registerEndpoint("a/srv", "h:1", JobId.of("a"), dev.iris.core.TaskId.parse("a/task-0"), 0,
        java.util.Map.of(), s.now);
    drained.addAll(s.drain().events());
    s.report("a/task-0", dev.iris.core.TaskState.FAILED);
    s.at(7_000);
    s.heartbeat("w1", "a/task-1#0=RUNNING");
    s.state.checkWorkerLiveness(s.now);
    drained.addAll(s.drain().events());
    s.schedule();
    s.state.terminate(JobId.of("a"), "user", s.now);
    s.state.terminate(JobId.of("b"), "user", s.now);
    drained.addAll(s.drain().events());
    return drained;
  }

  @Test
  void drainedEventsAreNumberedFromOneWithoutGapsInCommitOrder() {
    Store s = new Store();

    List<StoreEvent> events = busyDay(s);

    assertThat(events).extracting(StoreEvent::sequence)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, events.size()).boxed().toList());
    assertThat(s.state.events().lastSequence()).isEqualTo(events.size());
    assertThat(events).extracting(StoreEvent::kind).contains(StoreEvent.Kind.JOB_SUBMITTED,
        StoreEvent.Kind.JOB_STATE_CHANGED, StoreEvent.Kind.TASK_STATE_CHANGED, StoreEvent.Kind.WORKER_REGISTERED,
        StoreEvent.Kind.WORKER_LOST, StoreEvent.Kind.ENDPOINT_ADDED, StoreEvent.Kind.ENDPOINT_REMOVED);
    // timestamps are the commands' instants, never going back
    for (int i = 1; i < events.size(); i++) {
      assertThat(events.get(i).timestampMs()).isGreaterThanOrEqualTo(events.get(i - 1).timestampMs());
    }
  }

  @Test
  void theLogReplaysWhatWasDrainedFromAnySequence() {
    Store s = new Store();
    List<StoreEvent> events = busyDay(s);
    EventLog log = s.state.events();

    assertThat(log.after(0, Integer.MAX_VALUE)).isEqualTo(events);
    assertThat(log.after(5, 3)).isEqualTo(events.subList(5, 8));
    assertThat(log.after(events.size() - 1, 10)).containsExactly(events.get(events.size() - 1));
    assertThat(log.after(events.size(), 10)).isEmpty();
    assertThat(log.after(events.size() + 100, 10)).isEmpty();
    assertThat(log.after(-5, 2)).isEqualTo(events.subList(0, 2));
    assertThat(log.after(3, 0)).isEmpty();
    assertThat(log.firstRetained()).isEqualTo(1);
  }

  @Test
  void onlyTheNewestEventsAreRetained() {
    Store s = new Store(new StoreConfig(5_000, StoreConfig.DEFAULT_START_CAPACITY, 5_000, 8));
    List<StoreEvent> events = busyDay(s);
    EventLog log = s.state.events();
    int n = events.size();
    assertThat(n).isGreaterThan(8);

    assertThat(log.lastSequence()).isEqualTo(n);
    assertThat(log.firstRetained()).isEqualTo(n - 7);
    // a watcher behind the retained window resumes at the oldest event kept
    assertThat(log.after(0, 100)).isEqualTo(events.subList(n - 8, n));
    assertThat(log.after(n - 3, 100)).isEqualTo(events.subList(n - 3, n));
    // numbering goes on after the ring wrapped
    s.submit("c", 1, 1);
    Drained d = s.drain();
    assertThat(d.events()).extracting(StoreEvent::sequence).containsExactly((long) n + 1);
    assertThat(log.after(n, 10)).isEqualTo(d.events());
    assertThat(log.after(0, 100)).hasSize(8);
  }

  @Test
  void aReconfiguredLogKeepsItsNewestEventsAndNeverShowsOnesItDropped() {
    Store s = new Store(new StoreConfig(5_000, StoreConfig.DEFAULT_START_CAPACITY, 5_000, 8));
    List<StoreEvent> events = busyDay(s);
    EventLog log = s.state.events();
    int n = events.size();

    s.state.reconfigure(new StoreConfig(5_000, StoreConfig.DEFAULT_START_CAPACITY, 5_000, 3), s.now);
    assertThat(log.capacity()).isEqualTo(3);
    assertThat(log.after(0, 100)).isEqualTo(events.subList(n - 3, n));
    assertThat(log.firstRetained()).isEqualTo(n - 2);

    s.state.reconfigure(new StoreConfig(5_000, StoreConfig.DEFAULT_START_CAPACITY, 5_000, 100), s.now);
    assertThat(s.state.actions().newest(1).get(0).details()).isEqualTo("events kept 3 -> 100");
    assertThat(log.firstRetained()).as("dropped events do not come back").isEqualTo(n - 2);
    assertThat(log.after(0, 100)).isEqualTo(events.subList(n - 3, n));
    s.submit("more", 1, 1);
    List<StoreEvent> more = s.drain().events();
    assertThat(log.after(0, 100)).hasSize(3 + more.size()).endsWith(more.toArray(StoreEvent[]::new));
  }

  @Test
  void theActionLogKeepsTheLastThousandNewestFirst() {
    Store s = new Store();
    for (int i = 0; i < 1_200; i++) {
      s.submit("j" + i, 1, 1);
    }

    List<ActionLog.Action> newest = s.state.actions().newest(2_000);

    assertThat(newest).hasSize(ActionLog.CAPACITY);
    assertThat(newest.get(0).subject()).isEqualTo("j1199");
    assertThat(newest.get(newest.size() - 1).subject()).isEqualTo("j200");
    assertThat(s.state.actions().newest(3)).extracting(ActionLog.Action::action)
        .containsOnly("job submitted");
  }
}
