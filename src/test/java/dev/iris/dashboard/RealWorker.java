package dev.iris.dashboard;

import static dev.iris.dashboard.DashboardCluster.await;

import dev.iris.node.WorkerNode;
import dev.iris.rpc.CommandEntrypoint;
import dev.iris.rpc.Controller;
import dev.iris.rpc.ResourceSpecProto;
import dev.iris.worker.WorkerConfig;
import java.nio.file.Files;
import java.nio.file.Path;

/** A real worker (processes, logs, its own port and page) registered with a {@link DashboardCluster}. */
final class RealWorker implements AutoCloseable {
  final WorkerNode node;
  private final Path dir;

  RealWorker(DashboardCluster c, String id) throws Exception {
    dir = Files.createTempDirectory("iris-dash-worker-");
    WorkerConfig config = WorkerConfig.defaults(id, dir).withServer("127.0.0.1", 0, "127.0.0.1")
        .withCapacity(4, 8L << 30, 10L << 30);
    node = await(WorkerNode.start(c.vertx, config, c.bus));
    await(node.registered());
  }

  int port() {
    return node.port();
  }

  /** A shell job that prints a few lines and then sleeps until it is killed. */
  static Controller.LaunchJobRequest chatty(String name) {
    return Controller.LaunchJobRequest.newBuilder().setName(name)
        .setEntrypoint(CommandEntrypoint.newBuilder().addArgv("sh").addArgv("-c")
            .addArgv("echo starting $IRIS_TASK_ID; for i in 1 2 3; do echo line $i; done; echo oops >&2; sleep 60"))
        .setResources(ResourceSpecProto.newBuilder().setReplicas(1).setCpu(1).setMemoryBytes(64L << 20))
        .build();
  }

  @Override
  public void close() throws Exception {
    try {
      await(node.stop());
    } finally {
      try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
        all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
