package dev.iris.worker;

import static dev.iris.worker.WorkerTesting.alive;
import static dev.iris.worker.WorkerTesting.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.node.WorkerNode;
import dev.iris.rpc.Controller;
import dev.iris.worker.attempt.AttemptKey;
import dev.iris.worker.host.WorkDirs;
import dev.iris.worker.runtime.LaunchSpec;
import dev.iris.worker.runtime.LineSink;
import dev.iris.worker.runtime.ProcessTaskRuntime;
import dev.iris.worker.runtime.RunningTask;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a worker does before it serves: leftovers of an earlier run, the machine probe, configured capacity. */
class WorkerStartupTest {
  @TempDir Path workDir;

  @Test
  void startRemovesLeftoversOfAnEarlierRunAndRegistersItsMachine() throws Exception {
    // an "earlier run": a recorded task process still alive and its attempt directory
    WorkDirs dirs = new WorkDirs(workDir);
    AttemptKey key = new AttemptKey("old/task-0", 0);
    Path oldDir = dirs.createAttemptDir(key);
    ProcessTaskRuntime runtime = new ProcessTaskRuntime();
    RunningTask leftover = runtime.start(LaunchSpec.shell("exec sleep 1000", oldDir, Map.of()), LineSink.discard());
    try {
      assertThat(dirs.recordProcess(key, leftover)).isTrue();

      Vertx vertx = Vertx.vertx();
      StubController controller = new StubController();
      WorkerNode node = await(WorkerNode.start(vertx, WorkerConfig.defaults("fresh", workDir)
          .withAttributes(Map.of("zone", "z1")), controller));
      try {
        await(node.registered());
        assertThat(alive(leftover.pid())).isFalse();
        assertThat(Files.exists(oldDir)).isFalse();
        Controller.RegisterWorkerRequest reg = controller.registrations.get(0);
        assertThat(reg.getMetadata().getCpuCount()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(reg.getMetadata().getMemoryBytes()).isPositive();
        assertThat(reg.getMetadata().getDiskBytes()).isPositive();
        assertThat(reg.getMetadata().getHostname()).isNotEmpty();
        assertThat(reg.getMetadata().getAttributesMap()).containsExactly(Map.entry("zone", "z1"));
      } finally {
        await(node.stop());
        await(vertx.close());
      }
    } finally {
      leftover.kill(Duration.ZERO).get(20, TimeUnit.SECONDS);
      runtime.close();
    }
  }

  @Test
  void registrationIsRetriedUntilTheControllerAnswers() throws Exception {
    Vertx vertx = Vertx.vertx();
    StubController stub = new StubController();
    FlakyRegistration controller = new FlakyRegistration(stub, 3);
    WorkerNode node = await(WorkerNode.start(vertx, WorkerConfig.defaults("patient", workDir), controller));
    try {
      await(node.registered());
      assertThat(controller.refused.get()).isEqualTo(3);
      assertThat(stub.registrations).hasSize(1);
    } finally {
      await(node.stop());
      await(vertx.close());
    }
  }

  /** Refuses the first registrations as if the controller were down. */
  private static final class FlakyRegistration extends ForwardingController {
    final java.util.concurrent.atomic.AtomicInteger toRefuse;
    final java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();

    FlakyRegistration(StubController delegate, int refuse) {
      super(delegate);
      this.toRefuse = new java.util.concurrent.atomic.AtomicInteger(refuse);
    }

    @Override
    public io.vertx.core.Future<Controller.RegisterWorkerResponse> registerWorker(Controller.RegisterWorkerRequest r) {
      if (toRefuse.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        refused.incrementAndGet();
        return io.vertx.core.Future.failedFuture(new dev.iris.common.RpcException(
            io.vertx.grpc.common.GrpcStatus.UNAVAILABLE, "controller down (test)"));
      }
      return super.registerWorker(r);
    }
  }
}
