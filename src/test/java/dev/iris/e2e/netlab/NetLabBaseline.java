package dev.iris.e2e.netlab;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Baseline measurements for issue 16 (at most one live copy of a task): what Iris does today when a worker's link
 * is cut, the controller's link is cut, or a worker is stopped with SIGSTOP. Nothing is asserted: each scenario
 * writes its figures to {@code target/netlab/<scenario>.json} (see {@link Baseline}), to be turned into assertions
 * once leases exist. docs/DESIGN-leases.md has the figures of the last run.
 *
 * <p>Not a {@code *Test}, so a plain {@code mvn verify} (CI) does not run it; a scenario takes 2 to 6 minutes, all
 * of them about 20.
 * Run as root:
 * <pre>
 * mvn -B -ntp -o test -Dtest='NetLabBaseline' -DexcludedGroups=none        # every scenario
 * mvn -B -ntp -o test -Dtest='NetLabBaseline#cutWorker30s' -DexcludedGroups=none
 * </pre>
 */
@Tag("slow")
@Tag("netlab-baseline")
class NetLabBaseline {
  private static final Duration SETTLE = Duration.ofSeconds(240);

  @Test
  void cutWorker30s(@TempDir Path dir) {
    try (Baseline b = Baseline.start("cut-worker-30s", dir, LabCluster.Options.grpc(4))) {
      b.submitWorkload();
      b.cut(b.workerRunning("train/task-0"), Duration.ofSeconds(30));
      b.finish(SETTLE);
    }
  }

  @Test
  void cutWorker75s(@TempDir Path dir) {
    try (Baseline b = Baseline.start("cut-worker-75s", dir, LabCluster.Options.grpc(4))) {
      b.submitWorkload();
      b.cut(b.workerRunning("train/task-0"), Duration.ofSeconds(75));
      b.finish(SETTLE);
    }
  }

  @Test
  void cutController30s(@TempDir Path dir) {
    try (Baseline b = Baseline.start("cut-controller-30s", dir, LabCluster.Options.grpc(4))) {
      b.submitWorkload();
      b.cut("ctl", Duration.ofSeconds(30));
      b.finish(SETTLE);
    }
  }

  @Test
  void sigstopWorker20s(@TempDir Path dir) {
    try (Baseline b = Baseline.start("sigstop-worker-20s", dir, LabCluster.Options.grpc(4))) {
      b.submitWorkload();
      b.pause(b.workerRunning("train/task-0"), Duration.ofSeconds(20));
      b.finish(SETTLE);
    }
  }

  @Test
  void clusterCutWorker30s(@TempDir Path dir) {
    try (Baseline b = Baseline.start("cluster-cut-worker-30s", dir, LabCluster.Options.cluster(4))) {
      b.submitWorkload();
      b.cut(b.workerRunning("train/task-0"), Duration.ofSeconds(30));
      b.finish(SETTLE);
    }
  }

  @Test
  void clusterCutWorker75s(@TempDir Path dir) {
    try (Baseline b = Baseline.start("cluster-cut-worker-75s", dir, LabCluster.Options.cluster(4))) {
      b.submitWorkload();
      b.cut(b.workerRunning("train/task-0"), Duration.ofSeconds(75));
      b.finish(Duration.ofSeconds(480)); // Hazelcast merges split clusters after 300 s by default
    }
  }
}
