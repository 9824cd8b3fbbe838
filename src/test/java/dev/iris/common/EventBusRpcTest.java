package dev.iris.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iris.rpc.Controller;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Protobuf RPC over the event bus: by reference in-process, serialized bytes still understood. */
class EventBusRpcTest {
  private static final String ADDRESS = "test.GetJobStatus";
  private Vertx vertx;

  @BeforeEach
  void bind() throws Exception {
    vertx = Vertx.vertx();
    EventBusRpc.bind(vertx.eventBus(), ADDRESS, Controller.GetJobStatusRequest.parser(), req -> {
      if (req.getJobId().equals("missing")) {
        return Future.failedFuture(new StatusException(GrpcStatus.NOT_FOUND, "job missing not found"));
      }
      return Future.succeededFuture(Controller.GetJobStatusResponse.newBuilder()
          .setJob(dev.iris.rpc.JobStatus.newBuilder().setJobId(req.getJobId())).build());
    }).completion().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  void aCallIsAnsweredWithTheRepliedMessage() throws Exception {
    Controller.GetJobStatusResponse r = await(EventBusRpc.call(vertx.eventBus(), ADDRESS,
        Controller.GetJobStatusRequest.newBuilder().setJobId("j1").build(), Controller.GetJobStatusResponse.parser(), 5_000));
    assertThat(r.getJob().getJobId()).isEqualTo("j1");
  }

  @Test
  void aFailureArrivesAsItsGrpcStatusAndMessage() {
    assertThatThrownBy(() -> await(EventBusRpc.call(vertx.eventBus(), ADDRESS,
        Controller.GetJobStatusRequest.newBuilder().setJobId("missing").build(),
        Controller.GetJobStatusResponse.parser(), 5_000)))
        .isInstanceOfSatisfying(RpcException.class, e -> {
          assertThat(e.status()).isEqualTo(GrpcStatus.NOT_FOUND);
          assertThat(e.getMessage()).isEqualTo("job missing not found");
        });
  }

  @Test
  void serializedRequestsAreStillUnderstoodAndAnsweredSerialized() throws Exception {
    Buffer request = Buffer.buffer(Controller.GetJobStatusRequest.newBuilder().setJobId("j2").build().toByteArray());
    Object reply = await(vertx.eventBus().request(ADDRESS, request)).body();
    assertThat(reply).isInstanceOf(Buffer.class);
    assertThat(Controller.GetJobStatusResponse.parseFrom(((Buffer) reply).getBytes()).getJob().getJobId())
        .isEqualTo("j2");
  }

  @Test
  void somethingThatIsNotARequestIsRefusedAsMalformed() {
    assertThatThrownBy(() -> await(vertx.eventBus().request(ADDRESS, "hello")))
        .isInstanceOfSatisfying(ReplyException.class, e -> {
          assertThat(e.failureCode()).isEqualTo(GrpcStatus.INVALID_ARGUMENT.code);
          assertThat(e.getMessage()).startsWith("malformed request");
        });
  }

  private static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception ex ? ex : e;
    }
  }
}
