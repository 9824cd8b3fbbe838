package dev.iris.cli;

import dev.iris.cli.parse.KeyValue;
import dev.iris.cli.parse.PortRange;
import dev.iris.cli.request.ControllerTarget;
import dev.iris.cli.request.StartWorkerRequest;
import dev.iris.common.Tls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code iris worker}: runs a worker process. It is also the parent of {@code iris worker list}, which
 * lists workers instead; picocli runs this command only when no subcommand is given.
 */
@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    versionProvider = IrisVersion.class,
    sortOptions = false,
    subcommands = WorkerListCommand.class,
    description = {
      "Run a worker (or, with 'list', list the workers).",
      "Without a subcommand, runs a worker: registers with the controller and runs the tasks it is "
          + "given as processes. Resources not given are detected from this machine. With --cluster it "
          + "joins the controller's clustered event bus instead of gRPC (--port is then not used; "
          + "--controller only tells tasks where the controller's gRPC port is).",
      "Its id is --worker-id, else the one kept in its work directory's worker-id file (made on the first "
          + "start as <hostname>-<random suffix>), so a restarted worker keeps its id; while a worker is alive, "
          + "another that claims its id from another address is refused and exits.",
      "'iris worker list' lists the controller's workers instead of running one."
    })
final class WorkerCommand extends BackendCommand {

  @Mixin ControllerOption controller;

  @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
      description = "Address to bind to and advertise (default: ${DEFAULT-VALUE}); another than a loopback "
          + "address needs --insecure or TLS (--tls-cert).")
  String host;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "10001",
      description = "Port for the worker's gRPC service; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--work-dir", paramLabel = "DIR",
      description = "Where task directories, logs and the worker's id file live (default: <tmp>/iris-worker-ID "
          + "with --worker-id, else <tmp>/iris-worker-PORT, with --cluster <tmp>/iris-worker-cluster-PORT, with "
          + "--port 0 a new temporary directory each start). One worker per directory.")
  Path workDir;

  @Option(names = "--cpu", paramLabel = "N", description = "Whole cores offered to tasks (default: all).")
  Integer cpu;

  @Option(names = "--memory", paramLabel = "SIZE", converter = ValueConverters.Size.class,
      description = "Memory offered to tasks, e.g. 16G (default: this machine's memory).")
  Long memory;

  @Option(names = "--disk", paramLabel = "SIZE", converter = ValueConverters.Size.class,
      description = "Disk offered to tasks, e.g. 100G (default: free space of the work directory).")
  Long disk;

  @Option(names = "--attribute", paramLabel = "KEY=VALUE", converter = ValueConverters.Pair.class,
      description = "A placement attribute jobs can constrain on, e.g. zone=a. Repeatable.")
  List<KeyValue> attributes = List.of();

  @Option(names = "--worker-id", paramLabel = "ID",
      description = "A fixed worker id (default: the id in <work-dir>/worker-id, made on the first start as "
          + "<hostname>-<5 random letters and digits>, so it stays the same across restarts on that directory). "
          + "The controller refuses a second live worker with the same id.")
  String workerId;

  @Option(names = "--task-ports", paramLabel = "FROM-TO", converter = ValueConverters.PortRangeValue.class,
      description = "Ports handed to tasks as $IRIS_PORT_<NAME> (default: 30000-40000). Workers sharing a "
          + "machine need disjoint ranges.")
  PortRange taskPorts;

  @Option(names = "--keep-task-dirs", paramLabel = "DUR", defaultValue = "0",
      converter = ValueConverters.DurationValue.class,
      description = "Keep a finished task's directory DUR after it ended, e.g. 10m, to look into it "
          + "(default: ${DEFAULT-VALUE}: removed once its processes are gone). Its logs are not affected.")
  Duration keepTaskDirs;

  @Option(names = "--inherit-env",
      description = "Give tasks this worker's whole environment. By default they get only PATH, HOME, LANG, TZ, "
          + "USER and TMPDIR of it (besides their job's variables and IRIS_*): the rest may hold the worker's "
          + "own credentials.")
  boolean inheritEnv;

  @Mixin ClusterOptions cluster;

  @Mixin ExposureOption exposure;

  @Mixin TlsServerOptions.WithPeerCa tlsOptions;

  @Override
  protected int execute(CliBackend backend, CliOutput output) throws Exception {
    return backend.startWorker(request(), output);
  }

  StartWorkerRequest request() {
    FlagChecks check = check();
    attributes.forEach(pair -> check.attributeKey("--attribute", pair.key()));
    ControllerTarget target = controller.address();
    Tls tls = tlsOptions.tls(check, cluster.enabled);
    String bindHost = exposure.check(check, "--host", check.host("--host", host), !target.token().isEmpty(), tls);
    return new StartWorkerRequest(
        target,
        bindHost,
        check.listenPort("--port", port),
        Optional.ofNullable(workDir).map(dir -> check.directoryOrAbsent("--work-dir", dir)),
        cpu == null ? OptionalInt.empty() : OptionalInt.of(check.atLeast("--cpu", cpu, 1)),
        memory == null ? OptionalLong.empty() : OptionalLong.of(check.positive("--memory", memory)),
        disk == null ? OptionalLong.empty() : OptionalLong.of(check.positive("--disk", disk)),
        check.distinctPairs("--attribute", attributes),
        Optional.ofNullable(workerId).map(id -> check.identifier("--worker-id", id)),
        Optional.ofNullable(taskPorts),
        cluster.spec(check, bindHost).map(c -> exposure.checked(check, c, tls)),
        keepTaskDirs,
        inheritEnv,
        tls);
  }
}
