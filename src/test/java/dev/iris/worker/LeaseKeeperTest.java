package dev.iris.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.core.Lease;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The worker's lease keeper on a real Vert.x timer, with a stalled worker played by a renewal whose message was
 * sent long ago (its fencing instant already past when the keeper learns of it, as after a SIGSTOP): a stalled
 * worker asks for a renewal before it kills anything, keeps its attempts when the renewal comes, and otherwise
 * fences with only the grace left before the kill-by instant; a worker that is not stalled fences with the whole
 * grace and asks nothing.
 */
class LeaseKeeperTest {
  /** Fencing begins 5 s before the end (4 s of grace, 1 s of slack); every process dead 1 s before the end. */
  private static final Lease LEASE = new Lease(20_000);
  private static final long MS = 1_000_000;
  private Vertx vertx;
  private LeaseKeeper keeper;
  private final List<Duration> fences = new CopyOnWriteArrayList<>();
  private final CountDownLatch fenced = new CountDownLatch(1);
  private final CountDownLatch asked = new CountDownLatch(1);

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    keeper = new LeaseKeeper(vertx, "w1", (grace, reason) -> {
      fences.add(grace);
      fenced.countDown();
      return 1;
    });
    keeper.askRenewalWith(asked::countDown);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.runOnContext(v -> keeper.close());
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Renews on a Vert.x context (as the worker does) from a message sent {@code agoMs} before now. */
  private void renewedFromAgo(long agoMs) {
    long sent = System.nanoTime() - agoMs * MS;
    vertx.runOnContext(v -> keeper.renewed(sent, LEASE.lengthMs()));
  }

  @Test
  void aStalledWorkerAsksForARenewalAndKeepsItsAttemptsWhenItComes() throws Exception {
    renewedFromAgo(16_500); // fencing was due 1.5 s ago; every process must be dead 2.5 s from now
    assertThat(asked.await(5, TimeUnit.SECONDS)).as("a renewal asked for").isTrue();
    assertThat(fences).as("nothing killed before the answer").isEmpty();
    renewedFromAgo(0); // the controller answers the heartbeat
    assertThat(fenced.await(4, TimeUnit.SECONDS)).as("no fencing after a renewal").isFalse();
    assertThat(fences).isEmpty();
  }

  @Test
  void aStalledWorkerWithoutARenewalFencesByTheSameKillByInstant() throws Exception {
    long before = System.nanoTime();
    renewedFromAgo(16_500);
    assertThat(asked.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(fenced.await(5, TimeUnit.SECONDS)).as("fenced when no renewal came").isTrue();
    long fencedAfterMs = (System.nanoTime() - before) / MS;
    Duration grace = fences.get(0);
    assertThat(fencedAfterMs).as("waited for the renewal until just before the kill-by instant")
        .isBetween(2_000L, 2_500L + 1_000);
    assertThat(grace).as("only the grace left before the kill-by instant")
        .isLessThanOrEqualTo(Duration.ofMillis(LeaseKeeper.KILL_BUDGET_MS));
    assertThat(keeper.mayRun()).isFalse();
  }

  @Test
  void aWorkerThatIsNotStalledFencesWithTheWholeGraceAndAsksNothing() throws Exception {
    renewedFromAgo(LEASE.lengthMs() - LEASE.fenceLeadMs() - 200); // fencing due in 200 ms
    assertThat(fenced.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(fences.get(0)).as("the whole grace, less the timer's own lateness")
        .isBetween(Duration.ofMillis(LEASE.fenceGraceMs() - 100), Duration.ofMillis(LEASE.fenceGraceMs()));
    assertThat(asked.getCount()).as("no renewal asked for").isEqualTo(1);
  }

  @Test
  void aStallPastTheKillByInstantFencesAtOnceWithoutGrace() throws Exception {
    renewedFromAgo(19_500); // past the kill-by instant already: no time to ask
    assertThat(fenced.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(fences.get(0)).isEqualTo(Duration.ZERO);
    assertThat(asked.getCount()).isEqualTo(1);
  }
}
