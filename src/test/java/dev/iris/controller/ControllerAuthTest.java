package dev.iris.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The tokens of the controller's calls to workers: one per worker and address, the same after a restart. */
class ControllerAuthTest {
  private static final String ADMIN = "admin-token-of-this-cluster-0123";

  @Test
  void aRestartedControllerHandsAndBearsTheSameWorkerTokens() {
    ControllerAuth before = ControllerAuth.of(ADMIN, List.of());
    ControllerAuth after = ControllerAuth.of(ADMIN, List.of()); // a new process, the same admin token
    assertThat(after.workerToken("w1", "10.0.0.1:10001")).isEqualTo(before.workerToken("w1", "10.0.0.1:10001"))
        .hasSizeGreaterThanOrEqualTo(43); // 256 bits, base64url
  }

  @Test
  void oneWorkersTokenOpensNoOtherWorkerNorAnotherClustersWorker() {
    ControllerAuth auth = ControllerAuth.of(ADMIN, List.of());
    String w1 = auth.workerToken("w1", "10.0.0.1:10001");
    assertThat(auth.workerToken("w2", "10.0.0.1:10001")).isNotEqualTo(w1);
    assertThat(auth.workerToken("w1", "10.0.0.2:10001")).isNotEqualTo(w1);
    assertThat(ControllerAuth.of(ADMIN + "x", List.of()).workerToken("w1", "10.0.0.1:10001")).isNotEqualTo(w1);
    assertThat(w1).doesNotContain(ADMIN);
  }

  @Test
  void withoutTokensTheCallsBearNone() {
    assertThat(ControllerAuth.none().workerToken("w1", "10.0.0.1:10001")).isEmpty();
  }
}
