package dev.iris.bench;

import dev.iris.common.HostPort;
import dev.iris.link.GrpcControllerLink;
import io.vertx.core.Vertx;
import io.vertx.grpc.client.GrpcClient;
import java.util.concurrent.TimeUnit;

/**
 * A second JVM of simulated workers (the instant runtime) serving WorkerService over gRPC, one port per
 * worker, and registering and heartbeating with the controller over gRPC.
 *
 * <pre>java -cp ... dev.iris.bench.SimWorkerMain CONTROLLER_HOST:PORT COUNT CPU [PREFIX]</pre>
 *
 * Prints {@code READY <count>} once every worker is registered, then runs until stdin closes or it is killed.
 */
public final class SimWorkerMain {
  private SimWorkerMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: SimWorkerMain CONTROLLER_HOST:PORT COUNT CPU [PREFIX]");
      System.exit(2);
    }
    String controller = args[0];
    int count = Integer.parseInt(args[1]);
    int cpu = Integer.parseInt(args[2]);
    String prefix = args.length > 3 ? args[3] : "sim-grpc";
    Vertx vertx = Vertx.vertx();
    GrpcClient client = GrpcClient.client(vertx);
    GrpcControllerLink link = new GrpcControllerLink(client, HostPort.parse(controller).toSocketAddress(), 30_000,
        System.getenv().getOrDefault("IRIS_TOKEN", ""));
    SimWorkers fleet = new SimWorkers(new SimWorkers.Spec(prefix, count, cpu, 64L << 30, null,
        SimWorkers.Transport.GRPC, "127.0.0.1", false), link);
    try {
      vertx.deployVerticle(fleet).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("simulated workers failed to start: " + e);
      System.exit(1);
    }
    System.out.println("READY " + count);
    System.out.flush();
    // run until the parent closes our stdin (or kills us)
    while (System.in.read() >= 0) {
      // ignore input
    }
    System.err.println("simulated workers: " + fleet.runs() + " runs, " + fleet.heartbeats() + " heartbeats");
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    System.exit(0);
  }
}
