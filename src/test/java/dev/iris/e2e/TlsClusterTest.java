package dev.iris.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iris.client.IrisClient;
import dev.iris.client.IrisException;
import dev.iris.client.JobRequest;
import dev.iris.client.RemoteOptions;
import dev.iris.common.GrpcClients;
import dev.iris.common.Tls;
import dev.iris.link.GrpcControllerLink;
import dev.iris.node.ControllerNode;
import dev.iris.node.WorkerNode;
import dev.iris.rpc.JobState;
import dev.iris.rpc.WorkerHealthStatus;
import dev.iris.testing.TestCa;
import dev.iris.worker.WorkerConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A controller and a worker serving TLS, each in its own Vert.x and reaching the other over gRPC with TLS, the
 * certificates made by a CA of the test's own: a client given the CA runs a job there; clients without it, or
 * with another CA, and a TLS client of a plaintext controller are refused with one line each. HTTPS and WSS
 * answer on the controller's port.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsClusterTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private Path dir;
  private TestCa ca;
  private Vertx controllerVertx;
  private Vertx workerVertx;
  private ControllerNode controller;
  private WorkerNode worker;
  private String address;
  private IrisClient iris;

  @BeforeAll
  void startTlsCluster(@TempDir Path tempDir) throws Exception {
    dir = tempDir;
    ca = TestCa.create(dir);
    TestCa.Issued controllerCert = ca.issue("controller");
    TestCa.Issued workerCert = ca.issue("worker");
    controllerVertx = Vertx.vertx();
    controller = await(ControllerNode.start(controllerVertx, ControllerNode.Config.defaults("127.0.0.1", 0)
        .withTls(new Tls(Optional.of(controllerCert.cert()), Optional.of(controllerCert.key()), Optional.of(ca.cert()))),
        Clock.systemUTC()));
    address = "127.0.0.1:" + controller.port();
    workerVertx = Vertx.vertx();
    Tls workerTls = new Tls(Optional.of(workerCert.cert()), Optional.of(workerCert.key()), Optional.of(ca.cert()));
    WorkerConfig config = WorkerConfig.defaults("tls-w1", dir.resolve("work")).withServer("127.0.0.1", 0, "127.0.0.1")
        .withCapacity(2, 1L << 30, 1L << 30).withControllerAddress(address).withPortRange(36000, 36999)
        .withTls(workerTls);
    worker = await(WorkerNode.start(workerVertx, config, new GrpcControllerLink(
        GrpcClients.create(workerVertx, workerTls), SocketAddress.inetSocketAddress(controller.port(), "127.0.0.1"),
        10_000)));
    await(worker.registered());
    iris = IrisClient.remote(address, RemoteOptions.plaintext().withTlsCa(ca.cert()));
  }

  @AfterAll
  void stop() throws Exception {
    if (iris != null) {
      iris.close();
    }
    if (worker != null) {
      await(worker.stop());
    }
    if (controller != null) {
      await(controller.stop());
    }
    for (Vertx v : new Vertx[] {workerVertx, controllerVertx}) {
      if (v != null) {
        await(v.close());
      }
    }
  }

  @Test
  void aClientWithTheCaRunsAJobOnTheTlsWorkerAndReadsItsLogs() {
    var job = iris.submit(JobRequest.command("sh", "-c", "echo hello over tls; echo \"ca=$IRIS_TLS_CA\"")
        .name("tls-hello"));
    List<String> lines = new ArrayList<>();
    var done = job.wait(WAIT, true, null, lines::add);

    assertThat(done.getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    assertThat(lines).contains("[task-0] hello over tls", "[task-0] ca=" + ca.cert().toAbsolutePath());
    assertThat(iris.fetchTaskLogs("tls-hello", 0, 0, 0)).extracting(e -> e.getData()).contains("hello over tls");
  }

  @Test
  void theWorkerRegisteredOverTlsAndIsCalledOverTls() {
    assertThat(iris.listWorkers()).singleElement().satisfies(w -> {
      assertThat(w.getWorkerId()).isEqualTo("tls-w1");
      assertThat(w.getAddress()).isEqualTo("127.0.0.1:" + worker.port());
    }).matches(WorkerHealthStatus::getHealthy);
  }

  @Test
  void aPlaintextClientIsToldTheControllerServesTls() {
    try (IrisClient plain = IrisClient.remote(address, RemoteOptions.plaintext())) {
      assertThatThrownBy(plain::listWorkers).isInstanceOf(IrisException.class)
          .hasMessage("cannot reach " + address + ": the connection was closed at once (a port that serves TLS? "
              + "then give the CA: --tls-ca or IRIS_TLS_CA)");
    }
  }

  @Test
  void aClientTrustingAnotherCaIsRefused() {
    TestCa other = TestCa.create(dir, "other");
    try (IrisClient wrong = IrisClient.remote(address, RemoteOptions.plaintext().withTlsCa(other.cert()))) {
      assertThatThrownBy(wrong::listWorkers).isInstanceOf(IrisException.class)
          .hasMessage("cannot reach " + address + ": TLS handshake failed (the server's certificate is not signed by "
              + "the CA given)");
    }
  }

  @Test
  void aTlsClientOfAPlaintextControllerIsToldSo() throws Exception {
    Vertx plainVertx = Vertx.vertx();
    try {
      ControllerNode plain = await(ControllerNode.start(plainVertx, ControllerNode.Config.defaults("127.0.0.1", 0),
          Clock.systemUTC()));
      String plainAddress = "127.0.0.1:" + plain.port();
      try (IrisClient client = IrisClient.remote(plainAddress, RemoteOptions.plaintext().withTlsCa(ca.cert()))) {
        assertThatThrownBy(client::listWorkers).isInstanceOf(IrisException.class)
            .hasMessage("cannot reach " + plainAddress + ": TLS handshake failed (the server answered in plaintext: it "
                + "does not serve TLS)");
      }
    } finally {
      await(plainVertx.close());
    }
  }

  @Test
  void aMissingCaFileIsOneLineNotAHandshakeLater() {
    Path missing = dir.resolve("missing-ca.pem");
    assertThatThrownBy(() -> IrisClient.remote(address, RemoteOptions.plaintext().withTlsCa(missing)))
        .isInstanceOf(IrisException.class).hasMessage("TLS CA " + missing + ": no such file");
  }

  @Test
  void healthAnswersOverHttpsSayingTls() throws Exception {
    HttpClient https = HttpClient.newBuilder().sslContext(ca.sslContext()).build();
    for (int port : new int[] {controller.port(), worker.port()}) {
      HttpResponse<String> health = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port
          + "/health")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(new JsonObject(health.body()).getBoolean("tls")).as(health.body()).isTrue();
    }
  }

  @Test
  void theDashboardFeedOpensOverWss() throws Exception {
    CompletableFuture<String> first = new CompletableFuture<>();
    WebSocket ws = HttpClient.newBuilder().sslContext(ca.sslContext()).build().newWebSocketBuilder()
        .buildAsync(URI.create("wss://127.0.0.1:" + controller.port() + "/api/feed"), new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            first.complete(data.toString());
            return null;
          }
        }).get(10, TimeUnit.SECONDS);
    try {
      assertThat(new JsonObject(first.get(10, TimeUnit.SECONDS)).getString("type")).isEqualTo("hello");
    } finally {
      ws.abort();
    }
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
