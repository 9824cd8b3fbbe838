package dev.iris.controller;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * What the controller logs about its workers: each one unreachable at INFO, each one lost at WARN with why, and a
 * burst of losses (more than 2, more than half of the workers, within {@link ControllerMetrics#BURST_WINDOW_MS})
 * once at WARN as suspect, even when the losses fall in successive liveness checks.
 */
class WorkerLossLogTest {
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final Logger membership = (Logger) LoggerFactory.getLogger("dev.iris.controller.Membership");
  private final ControllerMetrics metrics = new ControllerMetrics();

  @BeforeEach
  void capture() {
    log.start();
    membership.addAppender(log);
    membership.setLevel(Level.INFO);
  }

  @AfterEach
  void release() {
    membership.detachAppender(log);
    membership.setLevel(null);
  }

  private List<String> lines(Level level) {
    return log.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void unreachableAtInfoAndLostAtWarnWithWhy() {
    metrics.workerUnreachable("w1", 5_040, 22_460);
    metrics.workerLost("w1", "worker w1 lost (no heartbeat for 27639 ms: its lease of 25 s ran out)", 0, 9);
    assertThat(lines(Level.INFO)).containsExactly("worker w1 unreachable (no heartbeat for 5040 ms): given no new "
        + "tasks; its attempts fail over in 22460 ms, when its lease surely ran out, unless it is heard from or "
        + "known dead first");
    assertThat(lines(Level.WARN)).containsExactly(
        "worker w1 lost (no heartbeat for 27639 ms: its lease of 25 s ran out): its attempts fail over");
  }

  @Test
  void aBurstSpreadOverSuccessiveChecksIsCalledSuspectOnce() {
    metrics.workerLost("w1", "worker w1 lost", 10_000, 2);
    metrics.workerLost("w2", "worker w2 lost", 10_000, 1);
    metrics.workerLost("w3", "worker w3 lost", 10_200, 0); // the next check
    metrics.workerLost("w4", "worker w4 lost", 10_400, 0);
    assertThat(lines(Level.WARN)).filteredOn(l -> l.contains("suspect"))
        .containsExactly("3 of 3 workers were lost within 5 s: suspect (a stall of the controller, or a network "
            + "fault on its side?); see the action log");
  }

  @Test
  void lossesSpreadOutOrAFewOfManyAreNotABurst() {
    metrics.workerLost("w1", "worker w1 lost", 0, 3);
    metrics.workerLost("w2", "worker w2 lost", 6_000, 2);
    metrics.workerLost("w3", "worker w3 lost", 12_000, 1);
    metrics.workerLost("a", "worker a lost", 20_000, 10);
    metrics.workerLost("b", "worker b lost", 20_000, 9);
    metrics.workerLost("c", "worker c lost", 20_000, 8);
    assertThat(lines(Level.WARN)).noneMatch(l -> l.contains("suspect"));
  }
}
