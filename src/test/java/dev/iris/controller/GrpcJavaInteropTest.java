package dev.iris.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iris.node.ControllerNode;
import dev.iris.rpc.Controller;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A grpc-java client (another implementation) talks to the Vert.x ControllerService, reflection included. */
class GrpcJavaInteropTest {
  private Vertx vertx;
  private ControllerNode node;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    node = ControllerGrpcTest.await(ControllerNode.start(vertx, ControllerNode.Config.defaults("127.0.0.1", 0),
        Clock.systemUTC()));
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", node.port()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    ControllerGrpcTest.await(node.stop());
    ControllerGrpcTest.await(vertx.close());
  }

  private static <Req extends com.google.protobuf.Message, Resp extends com.google.protobuf.Message>
      MethodDescriptor<Req, Resp> method(String name, Req req, Resp resp) {
    return MethodDescriptor.<Req, Resp>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName("iris.cluster.ControllerService/" + name)
        .setRequestMarshaller(ProtoUtils.marshaller(req))
        .setResponseMarshaller(ProtoUtils.marshaller(resp))
        .build();
  }

  @Test
  void launchAndQueryFromGrpcJava() {
    var launch = method("LaunchJob", Controller.LaunchJobRequest.getDefaultInstance(),
        Controller.LaunchJobResponse.getDefaultInstance());
    var status = method("GetJobStatus", Controller.GetJobStatusRequest.getDefaultInstance(),
        Controller.GetJobStatusResponse.getDefaultInstance());
    Controller.LaunchJobResponse r = ClientCalls.blockingUnaryCall(channel, launch, CallOptions.DEFAULT,
        ControllerGrpcTest.launch("interop", 3, 1));
    assertThat(r.getJobId()).isEqualTo("interop");
    Controller.GetJobStatusResponse s = ClientCalls.blockingUnaryCall(channel, status, CallOptions.DEFAULT,
        Controller.GetJobStatusRequest.newBuilder().setJobId("interop").setIncludeTasks(true).build());
    assertThat(s.getJob().getNumTasks()).isEqualTo(3);
    assertThat(s.getJob().getTasksPending()).isEqualTo(3);
    assertThat(s.getJob().getTasksCount()).isEqualTo(3);
    assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel, status, CallOptions.DEFAULT,
        Controller.GetJobStatusRequest.newBuilder().setJobId("missing").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
          assertThat(e.getStatus().getDescription()).contains("job missing not found");
        });
  }

  @Test
  void serverReflectionListsTheServices() throws Exception {
    CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
    var requests = ServerReflectionGrpc.newStub(channel).serverReflectionInfo(new StreamObserver<>() {
      @Override
      public void onNext(ServerReflectionResponse value) {
        answer.complete(value);
      }

      @Override
      public void onError(Throwable t) {
        answer.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {}
    });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    requests.onCompleted();
    List<String> services = answer.get(10, TimeUnit.SECONDS).getListServicesResponse().getServiceList()
        .stream().map(s -> s.getName()).toList();
    assertThat(services).contains("iris.cluster.ControllerService");
  }

  @Test
  void aLongTaskLogComesInAnswersAStockClientAccepts(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    dev.iris.node.WorkerNode worker = ControllerGrpcTest.await(dev.iris.node.WorkerNode.start(vertx,
        dev.iris.worker.WorkerConfig.defaults("w1", dir).withCapacity(2, 1L << 30, 1L << 30),
        new dev.iris.link.EventBusControllerLink(vertx.eventBus(), 10_000)));
    try {
      var launch = method("LaunchJob", Controller.LaunchJobRequest.getDefaultInstance(),
          Controller.LaunchJobResponse.getDefaultInstance());
      var status = method("GetJobStatus", Controller.GetJobStatusRequest.getDefaultInstance(),
          Controller.GetJobStatusResponse.getDefaultInstance());
      var logs = method("FetchTaskLogs", Controller.FetchTaskLogsRequest.getDefaultInstance(),
          dev.iris.rpc.Worker.FetchTaskLogsResponse.getDefaultInstance());
      // 6,000 lines of 1,000 characters: 6 MB, over a stock grpc-java client's 4 MiB limit in one answer
      ClientCalls.blockingUnaryCall(channel, launch, CallOptions.DEFAULT, Controller.LaunchJobRequest.newBuilder()
          .setName("chatty").setEntrypoint(dev.iris.rpc.CommandEntrypoint.newBuilder().addAllArgv(List.of("sh", "-c",
              "i=0; line=$(printf '%01000d' 0); while [ $i -lt 6000 ]; do echo $line; i=$((i+1)); done")))
          .setResources(dev.iris.rpc.ResourceSpecProto.newBuilder().setReplicas(1).setCpu(0).setMemoryBytes(1 << 20))
          .build());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (ClientCalls.blockingUnaryCall(channel, status, CallOptions.DEFAULT, Controller.GetJobStatusRequest
          .newBuilder().setJobId("chatty").build()).getJob().getState() != dev.iris.rpc.JobState.JOB_STATE_SUCCEEDED) {
        assertThat(System.nanoTime()).as("chatty succeeds").isLessThan(deadline);
        Thread.sleep(50);
      }
      long next = 0;
      int lines = 0;
      int pages = 0;
      while (true) {
        dev.iris.rpc.Worker.FetchTaskLogsResponse page = ClientCalls.blockingUnaryCall(channel, logs, CallOptions.DEFAULT,
            Controller.FetchTaskLogsRequest.newBuilder().setJobId("chatty").setTaskIndex(0)
                .setFilter(dev.iris.rpc.Worker.FetchLogsFilter.newBuilder().setStartLine(next)).build());
        if (page.getLogsCount() == 0) {
          break;
        }
        pages++;
        lines += page.getLogsCount();
        next = page.getLogs(page.getLogsCount() - 1).getLineNumber() + 1;
      }
      assertThat(lines).isEqualTo(6_000);
      assertThat(pages).isEqualTo(2);
    } finally {
      ControllerGrpcTest.await(worker.stop());
    }
  }

  @Test
  void garbageBytesGetInvalidArgument() {
    MethodDescriptor.Marshaller<byte[]> raw = new MethodDescriptor.Marshaller<>() {
      @Override
      public java.io.InputStream stream(byte[] value) {
        return new java.io.ByteArrayInputStream(value);
      }

      @Override
      public byte[] parse(java.io.InputStream stream) {
        try {
          return stream.readAllBytes();
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    };
    MethodDescriptor<byte[], byte[]> launch = MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("iris.cluster.ControllerService/LaunchJob")
        .setRequestMarshaller(raw).setResponseMarshaller(raw).build();
    assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel, launch, CallOptions.DEFAULT,
        new byte[] {(byte) 0xff, (byte) 0xff, 0x01, 0x02, 0x03}))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription())
              .startsWith("request to iris.cluster.ControllerService/LaunchJob does not decode: ");
        });
    // invalid UTF-8 in a string field (field 1 = name, length 2, bytes 0xC3 0x28)
    assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel, launch, CallOptions.DEFAULT,
        new byte[] {0x0a, 0x02, (byte) 0xc3, 0x28}))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).contains("UTF-8");
        });
    // and the service goes on answering
    assertThat(ClientCalls.blockingUnaryCall(channel, method("LaunchJob", Controller.LaunchJobRequest
        .getDefaultInstance(), Controller.LaunchJobResponse.getDefaultInstance()), CallOptions.DEFAULT,
        ControllerGrpcTest.launch("after-garbage", 1, 1)).getJobId()).isEqualTo("after-garbage");
  }
}
