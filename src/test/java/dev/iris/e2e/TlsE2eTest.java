package dev.iris.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.client.IrisClient;
import dev.iris.client.RemoteOptions;
import dev.iris.rpc.WorkerHealthStatus;
import dev.iris.testing.TestCa;
import dev.iris.worker.Poll;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS as users deploy it: {@code iris controller} and {@code iris worker} as separate JVMs given {@code --tls-cert},
 * {@code --tls-key} and {@code --tls-ca} (certificates of a CA the test makes), driven by {@code iris} CLI runs.
 */
@Tag("slow")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsE2eTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private TestCa ca;
  private Processes processes;
  private Processes withCaInEnvironment;
  private String controller;
  private Processes.Server ctl;
  private IrisClient iris;

  @BeforeAll
  void startTlsCluster(@TempDir Path dir) {
    ca = TestCa.create(dir);
    TestCa.Issued controllerCert = ca.issue("controller");
    TestCa.Issued workerCert = ca.issue("worker");
    int port = Processes.freePort();
    controller = "127.0.0.1:" + port;
    processes = new Processes(dir, Map.of("IRIS_CONTROLLER_ADDRESS", controller));
    withCaInEnvironment = new Processes(dir, Map.of("IRIS_CONTROLLER_ADDRESS", controller,
        "IRIS_TLS_CA", ca.cert().toString()));
    ctl = processes.start("controller", "--port", Integer.toString(port),
        "--tls-cert", controllerCert.cert().toString(), "--tls-key", controllerCert.key().toString(),
        "--tls-ca", ca.cert().toString());
    Processes.awaitLine(ctl, "iris controller listening on " + controller, WAIT);
    processes.start("worker", "--controller", controller, "--port", "0", "--worker-id", "tls-w",
        "--work-dir", dir.resolve("tls-w").toString(), "--cpu", "2", "--task-ports", "37000-37999",
        "--tls-cert", workerCert.cert().toString(), "--tls-key", workerCert.key().toString(),
        "--tls-ca", ca.cert().toString());
    iris = IrisClient.remote(controller, RemoteOptions.plaintext().withTlsCa(ca.cert()).withToken(processes.token()));
    Poll.until(WAIT, "the worker to register over TLS", () -> iris.listWorkers().stream()
        .anyMatch(WorkerHealthStatus::getHealthy));
  }

  @AfterAll
  void stopEverything() {
    try {
      if (iris != null) {
        iris.close();
      }
    } finally {
      if (withCaInEnvironment != null) {
        withCaInEnvironment.close();
      }
      if (processes != null) {
        processes.close();
      }
    }
  }

  @Test
  void theControllerSaysItServesHttps() {
    assertThat(ctl.lines()).anyMatch(l -> l.startsWith("iris controller listening on " + controller
        + " (gRPC and HTTPS)"));
  }

  @Test
  void jobRunWithTheCaRunsOnTheTlsWorker() {
    Processes.Run run = processes.run("job", "run", "--name", "tls-run", "--tls-ca", ca.cert().toString(), "--",
        "/bin/sh", "-c", "echo hello from $IRIS_WORKER_ID");
    assertThat(run.exitCode()).as("%s", run).isZero();
    assertThat(run.out()).containsExactly("[task-0] hello from tls-w");
    assertThat(run.err()).last().asString().isEqualTo("iris: job tls-run SUCCEEDED (1/1 tasks)");
  }

  @Test
  void theCaCanComeFromTheEnvironment() {
    Processes.Run run = withCaInEnvironment.run("worker", "list");
    assertThat(run.exitCode()).as("%s", run).isZero();
    assertThat(run.out()).anyMatch(l -> l.startsWith("tls-w "));
  }

  @Test
  void aClientWithoutTheCaIsRefusedInOneLine() {
    Processes.Run run = processes.run("job", "list");
    assertThat(run.exitCode()).as("%s", run).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).containsExactly("iris: cannot reach " + controller + ": the connection was closed at once "
        + "(a port that serves TLS? then give the CA: --tls-ca or IRIS_TLS_CA)");
  }

  @Test
  void healthAnswersOverHttps() throws Exception {
    HttpResponse<String> health = HttpClient.newBuilder().sslContext(ca.sslContext()).build()
        .send(HttpRequest.newBuilder(URI.create("https://" + controller + "/health")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(health.body()).getBoolean("tls")).isTrue();
  }
}
