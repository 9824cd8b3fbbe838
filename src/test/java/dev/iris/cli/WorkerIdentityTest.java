package dev.iris.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.cli.request.ClusterSpec;
import dev.iris.cli.request.ControllerTarget;
import dev.iris.cli.request.StartWorkerRequest;
import dev.iris.common.HostPort;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code iris worker}'s id and work dir, on real directories: {@code --worker-id} wins; otherwise the id is made
 * once per work dir and read back on every restart, and the default work dir is named by the worker's port.
 */
class WorkerIdentityTest {
  @TempDir Path tmp;
  private final AtomicInteger made = new AtomicInteger();
  private final Supplier<String> fresh = () -> "host-" + made.incrementAndGet();

  @Test
  void anIdGivenWinsAndNamesTheDefaultWorkDir() throws Exception {
    WorkerIdentity identity = WorkerIdentity.of(request(10001, Optional.empty(), Optional.of("w-7"), false), tmp, fresh);

    assertThat(identity).isEqualTo(new WorkerIdentity("w-7", tmp.resolve("iris-worker-w-7"), WorkerIdentity.Origin.FLAG));
    assertThat(identity.workDir()).doesNotExist(); // the worker makes it; no id file is written
    assertThat(made).hasValue(0);
    assertThat(identity.describe()).isEqualTo("work dir " + tmp.resolve("iris-worker-w-7"));
  }

  @Test
  void anIdGivenWinsOverTheIdFileOfTheWorkDir() throws Exception {
    Path workDir = Files.createDirectories(tmp.resolve("wd"));
    Files.writeString(workDir.resolve("worker-id"), "old-id\n");

    WorkerIdentity identity = WorkerIdentity.of(request(10001, Optional.of(workDir), Optional.of("w-7"), false), tmp, fresh);

    assertThat(identity.id()).isEqualTo("w-7");
    assertThat(Files.readString(workDir.resolve("worker-id"))).isEqualTo("old-id\n");
  }

  @Test
  void withoutAnIdTheWorkerKeepsTheOneMadeOnItsFirstStart() throws Exception {
    StartWorkerRequest request = request(10001, Optional.empty(), Optional.empty(), false);

    WorkerIdentity first = WorkerIdentity.of(request, tmp, fresh);
    WorkerIdentity restarted = WorkerIdentity.of(request, tmp, fresh);

    Path workDir = tmp.resolve("iris-worker-10001");
    assertThat(first).isEqualTo(new WorkerIdentity("host-1", workDir, WorkerIdentity.Origin.CREATED));
    assertThat(restarted).isEqualTo(new WorkerIdentity("host-1", workDir, WorkerIdentity.Origin.FILE));
    assertThat(Files.readString(workDir.resolve("worker-id"))).isEqualTo("host-1\n");
    assertThat(first.describe()).isEqualTo("work dir " + workDir + " (new id, kept in its worker-id file)");
    assertThat(restarted.describe()).isEqualTo("work dir " + workDir + " (id from its worker-id file)");
  }

  @Test
  void workersOnOtherPortsOfOneMachineGetOtherIds() throws Exception {
    WorkerIdentity a = WorkerIdentity.of(request(10001, Optional.empty(), Optional.empty(), false), tmp, fresh);
    WorkerIdentity b = WorkerIdentity.of(request(10002, Optional.empty(), Optional.empty(), false), tmp, fresh);
    WorkerIdentity clustered = WorkerIdentity.of(request(10001, Optional.empty(), Optional.empty(), true), tmp, fresh);

    assertThat(List.of(a.id(), b.id(), clustered.id())).containsExactly("host-1", "host-2", "host-3");
    assertThat(clustered.workDir()).isEqualTo(tmp.resolve("iris-worker-cluster-5801"));
  }

  @Test
  void aWorkDirGivenKeepsTheIdWhateverThePort() throws Exception {
    Path workDir = tmp.resolve("given");

    WorkerIdentity onPort0 = WorkerIdentity.of(request(0, Optional.of(workDir), Optional.empty(), false), tmp, fresh);
    WorkerIdentity onAnotherPort = WorkerIdentity.of(request(10009, Optional.of(workDir), Optional.empty(), false), tmp, fresh);

    assertThat(onPort0.id()).isEqualTo("host-1");
    assertThat(onAnotherPort.id()).isEqualTo("host-1");
    assertThat(onAnotherPort.workDir()).isEqualTo(workDir);
  }

  @Test
  void onPort0WithoutAWorkDirEachStartIsANewWorker() throws Exception {
    StartWorkerRequest request = request(0, Optional.empty(), Optional.empty(), false);

    WorkerIdentity first = WorkerIdentity.of(request, tmp, fresh);
    WorkerIdentity second = WorkerIdentity.of(request, tmp, fresh);

    assertThat(first.id()).isNotEqualTo(second.id());
    assertThat(first.workDir()).isNotEqualTo(second.workDir()).hasParent(tmp);
    assertThat(first.workDir().getFileName().toString()).startsWith("iris-worker-");
  }

  @Test
  void aMalformedIdFileStopsTheStartWithOneLineNamingIt() throws Exception {
    Path workDir = Files.createDirectories(tmp.resolve("wd"));
    Files.writeString(workDir.resolve("worker-id"), "not an id\n");

    CliRunner.Result r = CliRunner.run(new IrisBackend(), "worker", "--work-dir", workDir.toString(), "--port", "0");

    r.assertOneLineError(ExitCodes.FAILURE, "cannot start the worker: worker id file " + workDir.resolve("worker-id")
        + " is malformed: 'not an id' is not a worker id (1-128 letters, digits or . _ : -, starting with a letter or "
        + "digit); correct it, or delete it to have a new id made");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void theHelpSaysWhatTheDefaultIdIs() {
    String worker = CliRunner.run("worker", "--help").out().replaceAll("\\s+", " ");
    assertThat(worker).contains("--worker-id=ID A fixed worker id (default: the id in <work-dir>/worker-id, made on "
        + "the first start as <hostname>-<5 random letters and digits>")
        .contains("The controller refuses a second live worker with the same id.")
        .contains("<tmp>/iris-worker-PORT");
    assertThat(CliRunner.run("worker", "list", "--help").out().replaceAll("\\s+", " "))
        .contains("else the one kept in its work directory's worker-id file (<hostname>-<random suffix>");
  }

  private static StartWorkerRequest request(int port, Optional<Path> workDir, Optional<String> workerId,
      boolean clustered) {
    return new StartWorkerRequest(ControllerTarget.plaintext(new HostPort("localhost", 10000)), "127.0.0.1", port,
        workDir, OptionalInt.empty(), OptionalLong.empty(), OptionalLong.empty(), Map.of(), workerId, Optional.empty(),
        clustered ? Optional.of(new ClusterSpec("127.0.0.1", 5801, List.of())) : Optional.empty(), Duration.ZERO, false);
  }
}
