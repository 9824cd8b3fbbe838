package dev.iris.worker.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.worker.MutableClock;
import dev.iris.worker.Poll;
import dev.iris.worker.proc.ProcFs;
import dev.iris.worker.proc.ProcId;
import dev.iris.worker.proc.ProcStat;
import dev.iris.worker.runtime.LaunchSpec;
import dev.iris.worker.runtime.LineSink;
import dev.iris.worker.runtime.ProcessTaskRuntime;
import dev.iris.worker.runtime.RunningTask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsageTrackerTest {
  @TempDir Path dir;
  private final ProcessTaskRuntime runtime = new ProcessTaskRuntime();
  private final List<RunningTask> started = new ArrayList<>();

  @AfterEach
  void killEverythingStarted() throws Exception {
    for (RunningTask task : started) {
      task.kill(Duration.ZERO).get(20, TimeUnit.SECONDS);
    }
    runtime.close();
  }

  private RunningTask sh(String script) {
    RunningTask task = runtime.start(LaunchSpec.shell(script, dir, Map.of()), LineSink.discard());
    started.add(task);
    return task;
  }

  @Test
  void aBusyLoopUsesCpuAndMemory() {
    RunningTask task = sh("while :; do :; done");
    UsageTracker tracker = new UsageTracker(Clock.systemUTC());
    tracker.sample(task.pid());
    AtomicReference<UsageSample> last = new AtomicReference<>();
    Poll.until(Duration.ofSeconds(5), "CPU use to show", () -> {
      sleepQuietly(100);
      last.set(tracker.sample(task.pid()));
      return last.get().cpuPercent() > 0;
    });
    UsageSample sample = last.get();
    assertThat(sample.cpuMillicores()).isGreaterThan(0);
    assertThat(sample.memoryMb()).isGreaterThan(0);
    assertThat(sample.memoryPeakMb()).isGreaterThanOrEqualTo(sample.memoryMb());
    assertThat(sample.processCount()).isEqualTo(1);
  }

  @Test
  void theWholeTreeIsCounted() {
    RunningTask task = sh("sleep 1000 & sleep 1000 & wait");
    UsageTracker tracker = new UsageTracker(Clock.systemUTC());
    Poll.until(Duration.ofSeconds(5), "three processes", () -> tracker.sample(task.pid()).processCount() == 3);
  }

  @Test
  void oneProcSnapshotServesEveryTree() {
    RunningTask two = sh("sleep 1000 & sleep 1000; wait");
    RunningTask one = sh("exec sleep 1000"); // exec: whether sh forks a lone command is up to the shell
    Poll.until(Duration.ofSeconds(5), "both trees to start", () -> {
      List<ProcStat> snapshot = ProcFs.all();
      return ProcessTreeUsageSampler.sample(snapshot, two.pid()).processCount() == 3
          && ProcessTreeUsageSampler.sample(snapshot, one.pid()).processCount() == 1;
    });
    UsageTracker tracker = new UsageTracker(Clock.systemUTC());
    UsageSample sample = tracker.record(ProcessTreeUsageSampler.sample(ProcFs.all(), two.pid()), 3L << 20);
    assertThat(sample.processCount()).isEqualTo(3);
    assertThat(sample.diskMb()).isEqualTo(3);
    assertThat(sample.memoryPeakMb()).isEqualTo(tracker.memoryPeakMb()).isGreaterThan(0);
  }

  @Test
  void aVanishedProcessSamplesAsEmpty() throws Exception {
    RunningTask task = sh("exit 0");
    task.exitFuture().get(10, TimeUnit.SECONDS);
    assertThat(new UsageTracker(Clock.systemUTC()).sample(task.pid()))
        .isEqualTo(new UsageSample(0, 0, 0, 0, 0, 0));
    assertThat(new ProcessTreeUsageSampler().sample(task.pid())).isEqualTo(TreeUsage.NONE);
  }

  @Test
  void cpuIsTheTickDeltaPerProcessOverWallTimeAndThePeakIsKept() {
    MutableClock clock = new MutableClock(0);
    ProcId a = new ProcId(10, 1);
    ProcId b = new ProcId(11, 2);
    ProcId c = new ProcId(12, 3);
    List<TreeUsage> samples = new ArrayList<>(List.of(
        new TreeUsage(Map.of(a, 100L, b, 50L), 300L << 20),
        new TreeUsage(Map.of(a, 250L, c, 50L), 100L << 20))); // b exited, c is new
    UsageTracker tracker = new UsageTracker(pid -> samples.remove(0), clock);

    UsageSample first = tracker.sample(1);
    clock.advance(1000);
    UsageSample second = tracker.sample(1);

    assertThat(first).isEqualTo(new UsageSample(300, 300, 0, 0, 2, 0));
    // (250 - 100) + 50 ticks in one second at 100 ticks/s = 2 cores
    assertThat(second).isEqualTo(new UsageSample(100, 300, 200, 2000, 2, 0));
  }

  @Test
  void diskUsageSumsRegularFilesRecursively() throws Exception {
    Files.write(dir.resolve("a"), new byte[3000]);
    Files.createDirectories(dir.resolve("sub/deeper"));
    Files.write(dir.resolve("sub/deeper/b"), new byte[5000]);
    Files.createSymbolicLink(dir.resolve("link"), dir.resolve("a"));

    assertThat(ProcessTreeUsageSampler.diskUsageBytes(dir)).isEqualTo(8000);
    assertThat(ProcessTreeUsageSampler.diskUsageBytes(dir.resolve("missing"))).isZero();
    assertThat(new UsageTracker(pid -> TreeUsage.NONE, Clock.systemUTC()).sample(1, dir).diskMb()).isEqualTo(1);
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
