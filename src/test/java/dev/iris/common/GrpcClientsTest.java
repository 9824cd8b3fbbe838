package dev.iris.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iris.rpc.Controller;
import dev.iris.rpc.ControllerServiceGrpcClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The clients every part of Iris calls with: a call's timeout is enforced here, not only sent to the server. */
class GrpcClientsTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aCallToAServerThatNeverAnswersFailsAtItsTimeout() throws Exception {
    // a server that takes the call and then goes silent, as a peer behind a partition does
    HttpServer silent = vertx.createHttpServer().requestHandler(req -> req.pause())
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    long start = System.nanoTime();

    assertThatThrownBy(() -> GrpcUnary.call(GrpcClients.create(vertx),
        SocketAddress.inetSocketAddress(silent.actualPort(), "127.0.0.1"), ControllerServiceGrpcClient.GetJobStatus,
        Controller.GetJobStatusRequest.newBuilder().setJobId("j").build(), 300)
        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).cause().isInstanceOf(RpcException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }
}
