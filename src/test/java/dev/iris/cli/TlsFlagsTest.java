package dev.iris.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.cli.request.ClusterSpec;
import dev.iris.cli.request.ControllerTarget;
import dev.iris.cli.request.JobListRequest;
import dev.iris.cli.request.StartControllerRequest;
import dev.iris.cli.request.StartLocalClusterRequest;
import dev.iris.cli.request.StartWorkerRequest;
import dev.iris.common.HostPort;
import dev.iris.common.Tls;
import dev.iris.testing.TestCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --tls-cert}, {@code --tls-key} and {@code --tls-ca} (and {@code IRIS_TLS_CA}) reach the requests checked:
 * a missing or wrong file, or a certificate without its key, is a one-line usage error naming flag and file.
 */
class TlsFlagsTest {
  private static final HostPort DEFAULT_CONTROLLER = new HostPort("localhost", 10000);
  @TempDir static Path dir;
  private static TestCa ca;
  private static TestCa.Issued node;
  private static TestCa.Issued other;
  private static String cert;
  private static String key;
  private static String caCert;
  private final RecordingBackend backend = new RecordingBackend();

  @BeforeAll
  static void makeCa() {
    ca = TestCa.create(dir);
    node = ca.issue("node");
    other = ca.issue("other");
    cert = node.cert().toString();
    key = node.key().toString();
    caCert = ca.cert().toString();
  }

  @Test
  void theControllerServesAndCallsWorkersWithTheFiles() {
    run("controller", "--tls-cert", cert, "--tls-key", key, "--tls-ca", caCert);
    assertThat(backend.single(StartControllerRequest.class).tls())
        .isEqualTo(new Tls(Optional.of(node.cert()), Optional.of(node.key()), Optional.of(ca.cert())));
  }

  @Test
  void aWorkerGivenOnlyTheCaTalksTlsToItsControllerAndServesPlaintext() {
    run("worker", "--tls-ca", caCert);
    assertThat(backend.single(StartWorkerRequest.class).tls()).isEqualTo(Tls.trusting(ca.cert()));
  }

  @Test
  void withoutFlagsNothingIsTls() {
    run("controller");
    run("worker");
    run("local");
    assertThat(backend.requests).extracting(r -> r instanceof StartControllerRequest c ? c.tls()
        : r instanceof StartWorkerRequest w ? w.tls() : ((StartLocalClusterRequest) r).tls())
        .containsOnly(Tls.NONE);
  }

  @Test
  void servingTlsAllowsAnAddressOtherMachinesReachWithoutInsecure() {
    run("controller", "--host", "0.0.0.0", "--tls-cert", cert, "--tls-key", key);
    run("worker", "--host", "10.0.0.7", "--tls-cert", cert, "--tls-key", key, "--tls-ca", caCert);
    run("local", "--host", "0.0.0.0", "--tls-cert", cert, "--tls-key", key);
    assertThat(backend.requests).hasSize(3);
    assertThat(((StartLocalClusterRequest) backend.requests.get(2)).tls()).isEqualTo(Tls.serving(node.cert(), node.key()));
  }

  @Test
  void aTlsEventBusAllowsAClusterHostOtherMachinesReach() {
    run("controller", "--host", "10.0.0.1", "--cluster", "--tls-cert", cert, "--tls-key", key, "--tls-ca", caCert);
    assertThat(backend.single(StartControllerRequest.class).cluster())
        .contains(new ClusterSpec("10.0.0.1", ClusterOptions.DEFAULT_PORT, List.of()));
  }

  @Test
  void onlyTheCaIsNotEnoughToListenWhereOthersReach() {
    CliRunner.run(backend, "worker", "--host", "0.0.0.0", "--tls-ca", caCert)
        .assertUsageError("iris worker", "--host 0.0.0.0 lets other machines reach this port, and callers are not "
            + "authenticated: anyone who reaches it can run commands. Use a token (a controller: drop --no-auth; a "
            + "worker: --token-file), serve TLS (--tls-cert and --tls-key), add --insecure to accept that (on a "
            + "private network only), or bind to 127.0.0.1");
  }

  @Test
  void badTlsFlagsAreOneLineUsageErrorsNamingFlagAndFile() throws Exception {
    Path missing = dir.resolve("missing.pem");
    Path text = Files.writeString(dir.resolve("notes.txt"), "not a certificate\n");
    expectUsageError("iris controller", "--tls-cert needs --tls-key (the certificate's private key)",
        "controller", "--tls-cert", cert);
    expectUsageError("iris worker", "--tls-key needs --tls-cert (the certificate of the key)", "worker", "--tls-key", key);
    expectUsageError("iris local", "--tls-cert needs --tls-key", "local", "--tls-cert", cert);
    expectUsageError("iris controller", "--tls-cert " + missing + ": no such file",
        "controller", "--tls-cert", missing.toString(), "--tls-key", key);
    expectUsageError("iris worker", "--tls-key " + missing + ": no such file",
        "worker", "--tls-cert", cert, "--tls-key", missing.toString());
    expectUsageError("iris local", "--tls-cert " + text + ": not a PEM file (no -----BEGIN ...----- block)",
        "local", "--tls-cert", text.toString(), "--tls-key", key);
    expectUsageError("iris local", "--tls-key " + cert + ": holds no PEM private key", "local", "--tls-cert", cert,
        "--tls-key", cert);
    expectUsageError("iris controller", "--tls-key " + other.key() + ": is not the private key of the certificate in "
        + cert, "controller", "--tls-cert", cert, "--tls-key", other.key().toString());
    expectUsageError("iris worker", "--tls-ca " + key + ": holds no PEM certificate (-----BEGIN CERTIFICATE-----); it "
        + "holds a private key", "worker", "--tls-ca", key);
    expectUsageError("iris controller", "--cluster with --tls-cert needs --tls-ca: the members of a TLS event bus "
        + "verify each other's certificates against it", "controller", "--cluster", "--tls-cert", cert, "--tls-key", key);
    expectUsageError("iris local", "unknown options: '--tls-ca'", "local", "--tls-ca", caCert);
    assertThat(backend.requests).isEmpty();
  }

  @ParameterizedTest(name = "iris {0} --tls-ca")
  @ValueSource(strings = {"job run -- true", "job status j1", "job list", "job logs j1", "job kill j1",
      "task list j1", "task status j1 0", "worker list", "endpoint list"})
  void everyClientCommandTakesTheCa(String command) {
    List<String> args = new java.util.ArrayList<>(List.of(command.split(" ")));
    args.addAll(args.indexOf("--") < 0 ? args.size() : args.indexOf("--"), List.of("--tls-ca", caCert));
    CliRunner.Result result = CliRunner.run(backend, args.toArray(String[]::new));
    assertThat(result.exitCode()).as("stderr: %s", result.err()).isZero();
    assertThat(controllerOf(backend.requests.get(0)))
        .isEqualTo(new ControllerTarget(DEFAULT_CONTROLLER, Optional.of(ca.cert()), ""));
  }

  @Test
  void theEnvironmentNamesTheCaAndTheFlagBeatsIt() {
    CliRunner.run(backend, Map.of("IRIS_TLS_CA", caCert), "job", "list");
    CliRunner.run(backend, Map.of("IRIS_TLS_CA", "/no/such/ca.pem"), "job", "list", "--tls-ca", caCert);
    CliRunner.run(backend, Map.of(), "job", "list");
    assertThat(backend.requests).extracting(r -> ((JobListRequest) r).controller().tlsCa())
        .containsExactly(Optional.of(ca.cert()), Optional.of(ca.cert()), Optional.empty());
  }

  @Test
  void aBadCaIsAUsageErrorNamingItsSource() {
    Path missing = dir.resolve("missing-ca.pem");
    CliRunner.run(backend, Map.of("IRIS_TLS_CA", missing.toString()), "job", "list")
        .assertUsageError("iris job list", "IRIS_TLS_CA " + missing + ": no such file");
    CliRunner.run(backend, "worker", "list", "--tls-ca", missing.toString())
        .assertUsageError("iris worker list", "--tls-ca " + missing + ": no such file");
    assertThat(backend.requests).isEmpty();
  }

  private void expectUsageError(String command, String fragment, String... args) {
    CliRunner.run(backend, args).assertUsageError(command, fragment);
  }

  private static ControllerTarget controllerOf(Object request) {
    try {
      return (ControllerTarget) request.getClass().getMethod("controller").invoke(request);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(request + " has no controller()", e);
    }
  }

  private void run(String... args) {
    CliRunner.Result result = CliRunner.run(backend, args);
    assertThat(result.exitCode()).as("stderr: %s", result.err()).isZero();
  }
}
