package dev.iris.cli;

import dev.iris.cli.parse.PortRange;
import dev.iris.cli.request.ClusterSpec;
import dev.iris.cli.request.EndpointListRequest;
import dev.iris.cli.request.JobKillRequest;
import dev.iris.cli.request.JobListRequest;
import dev.iris.cli.request.JobLogsRequest;
import dev.iris.cli.request.JobRunRequest;
import dev.iris.cli.request.JobStatusRequest;
import dev.iris.cli.request.StartControllerRequest;
import dev.iris.cli.request.StartLocalClusterRequest;
import dev.iris.cli.request.StartWorkerRequest;
import dev.iris.cli.request.TaskListRequest;
import dev.iris.cli.request.TaskStatusRequest;
import dev.iris.cli.request.WorkerListRequest;
import dev.iris.cli.request.AuthSpec;
import dev.iris.client.IrisClient;
import dev.iris.common.TokenFiles;
import dev.iris.controller.ControllerAuth;
import dev.iris.core.auth.TokenBook;
import dev.iris.core.auth.UsersFile;
import dev.iris.client.IrisException;
import dev.iris.client.JobRequest;
import dev.iris.client.LocalCluster;
import dev.iris.client.RemoteOptions;
import dev.iris.common.ClusteredVertx;
import dev.iris.common.HostPort;
import dev.iris.common.Tls;
import dev.iris.link.EventBusControllerLink;
import dev.iris.link.GrpcControllerLink;
import dev.iris.node.ControllerNode;
import dev.iris.node.WorkerNode;
import dev.iris.rpc.ControllerService;
import dev.iris.worker.WorkerConfig;
import dev.iris.worker.ports.PortAllocator;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The backend of the real {@code iris} command: client commands talk to a controller over gRPC; server
 * commands run a controller, a worker or a local cluster in this process.
 */
public class IrisBackend implements CliBackend {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(IrisBackend.class);
  /** How long a worker waits for its controller to answer one call. */
  static final long CONTROLLER_CALL_TIMEOUT_MS = 10_000;
  /**
   * A worker's connection to its controller carries a heartbeat answer every second: one that read nothing for 5 s
   * is closed (a partition), and a new one gives up after 2 s, so a worker reconnects within seconds of the network's
   * return instead of waiting for TCP to retransmit on the old one.
   */
  static final java.time.Duration SESSION_QUIET = java.time.Duration.ofSeconds(5);
  static final java.time.Duration SESSION_CONNECT = java.time.Duration.ofSeconds(2);
  private final ClientCommands client = new ClientCommands(c -> IrisClient.remote(c.address().toString(),
      c.tlsCa().map(RemoteOptions.plaintext()::withTlsCa).orElse(RemoteOptions.plaintext()).withToken(c.token())));

  /** Runs a client command, turning the client's refusals into one-line CLI failures. */
  private static int oneLine(java.util.function.Supplier<Integer> command) {
    try {
      return command.get();
    } catch (IrisException e) {
      throw CliException.failure(e.getMessage());
    }
  }

  @Override
  public int runJob(JobRunRequest r, CliOutput o) {
    return oneLine(() -> client.runJob(r, o));
  }

  @Override
  public int jobStatus(JobStatusRequest r, CliOutput o) {
    return oneLine(() -> client.jobStatus(r, o));
  }

  @Override
  public int listJobs(JobListRequest r, CliOutput o) {
    return oneLine(() -> client.listJobs(r, o));
  }

  @Override
  public int jobLogs(JobLogsRequest r, CliOutput o) {
    return oneLine(() -> client.jobLogs(r, o));
  }

  @Override
  public int killJob(JobKillRequest r, CliOutput o) {
    return oneLine(() -> client.killJob(r, o));
  }

  @Override
  public int listTasks(TaskListRequest r, CliOutput o) {
    return oneLine(() -> client.listTasks(r, o));
  }

  @Override
  public int taskStatus(TaskStatusRequest r, CliOutput o) {
    return oneLine(() -> client.taskStatus(r, o));
  }

  @Override
  public int listWorkers(WorkerListRequest r, CliOutput o) {
    return oneLine(() -> client.listWorkers(r, o));
  }

  @Override
  public int listEndpoints(EndpointListRequest r, CliOutput o) {
    return oneLine(() -> client.listEndpoints(r, o));
  }

  @Override
  public int startController(StartControllerRequest request, CliOutput output) {
    ControllerAuth auth = controllerAuth(request.auth());
    Vertx vertx = startVertx(request.cluster(), request.tls(), "controller", adminToken(auth));
    ControllerNode node;
    try {
      node = await(ControllerNode.start(vertx, ControllerNode.Config.defaults(request.host(), request.port())
          .withAuth(auth).withTls(request.tls()).withMaxMessageBytes(request.maxMessageBytes())
          .withStateDir(request.stateDir()).withRetainFinished(request.retainFinished())
          .withLeaseMs(request.leaseMs()), Clock.systemUTC()));
    } catch (ExecutionException | InterruptedException e) {
      vertx.close();
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw CliException.failure("cannot start the controller on " + request.host() + ":" + request.port()
          + ": " + cause.getMessage());
    }
    output.out().println("iris controller listening on " + request.host() + ":" + node.port()
        + (request.tls().serves() ? " (gRPC and HTTPS)" : " (gRPC and HTTP)")
        + request.stateDir().map(d -> "; state in " + d.toAbsolutePath() + recovered(vertx))
            .orElse("; state in memory only")
        + request.cluster().map(c -> "; cluster member " + c.host() + ":" + c.port()).orElse("")
        + "; Ctrl+C stops it");
    return runUntilShutdown("controller", vertx, node::stop);
  }

  /**
   * What the durable controller's start recovered, for its start-up line: " (recovered ...)", or "" if unknown.
   * Waits on the CLI's own thread (as the start above does), never on an event loop.
   */
  private static String recovered(Vertx vertx) {
    try {
      dev.iris.controller.StoreStatus.Recovery r = new dev.iris.controller.StoreClient(vertx).status()
          .toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS).recovered();
      return r == null ? "" : " (recovered " + r.jobs() + " jobs and " + r.workers() + " workers from " + r.records()
          + " records in " + r.elapsedMs() + " ms)";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      return ""; // the line goes out without it: the controller is up either way
    }
  }

  @Override
  public int startWorker(StartWorkerRequest request, CliOutput output) {
    WorkerIdentity identity;
    try {
      identity = WorkerIdentity.of(request);
    } catch (java.io.IOException e) {
      throw CliException.failure("cannot start the worker: " + ErrorLines.ioMessage(e));
    }
    String workerId = identity.id();
    Path workDir = identity.workDir();
    boolean clustered = request.cluster().isPresent();
    WorkerConfig config = new WorkerConfig(workerId, request.host(), clustered ? WorkerConfig.BUS_ONLY : request.port(),
        WorkerConfig.advertiseHostFor(request.host()), workDir,
        request.cpu().isPresent() ? request.cpu().getAsInt() : null,
        request.memoryBytes().isPresent() ? request.memoryBytes().getAsLong() : null,
        request.diskBytes().isPresent() ? request.diskBytes().getAsLong() : null,
        request.attributes(), request.controller().toString(),
        request.taskPorts().map(PortRange::from).orElse(PortAllocator.DEFAULT_FROM),
        request.taskPorts().map(PortRange::to).orElse(PortAllocator.DEFAULT_TO), request.keepTaskDirs(),
        request.inheritEnv(), request.controller().token(), request.tls());
    Vertx vertx = startVertx(request.cluster(), request.tls(), "worker " + workerId, request.controller().token());
    ControllerService controller = clustered
        ? new EventBusControllerLink(vertx.eventBus(), CONTROLLER_CALL_TIMEOUT_MS)
        : new GrpcControllerLink(dev.iris.common.GrpcClients.createWatchful(vertx, request.tls(),
            SESSION_QUIET, SESSION_CONNECT),
            request.controller().toSocketAddress(), CONTROLLER_CALL_TIMEOUT_MS, request.controller().token());
    WorkerNode node;
    try {
      node = await(WorkerNode.start(vertx, config, controller));
    } catch (ExecutionException | InterruptedException e) {
      vertx.close();
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw CliException.failure("cannot start worker " + workerId + " on " + request.host() + ":" + request.port()
          + ": " + cause.getMessage());
    }
    output.out().println(clustered
        ? "iris worker " + workerId + " joined the cluster as " + request.cluster().get().host() + ":"
            + request.cluster().get().port() + "; it talks to the controller over the clustered event bus; "
            + identity.describe()
        : "iris worker " + workerId + " serving on " + request.host() + ":" + node.port()
            + ", controller " + request.controller() + "; " + identity.describe());
    output.out().flush();
    // another live worker holds this id: stop the worker and exit with the controller's reason
    Future<String> refused = node.refused().map(why -> "worker " + workerId + " stopped: " + why);
    return runUntilShutdown("worker", vertx, node::stop, refused);
  }

  @Override
  public int startLocalCluster(StartLocalClusterRequest request, CliOutput output) {
    ControllerAuth auth = controllerAuth(request.auth());
    Vertx vertx = Vertx.vertx();
    LocalCluster cluster;
    Path tempDir = null; // created here when no --work-dir was given, and deleted at the end
    try {
      if (request.workDir().isEmpty()) {
        tempDir = java.nio.file.Files.createTempDirectory("iris-local-");
      }
      Path workDir = request.workDir().orElse(tempDir);
      // with --work-dir the controller's state lives there too, so the same directory restarts where it was
      cluster = await(LocalCluster.start(vertx, request.host(), request.port(), request.workers(), workDir,
          adminToken(auth), request.tls(), request.workDir().map(d -> d.resolve("state")), request.retainFinished()));
    } catch (Exception e) {
      vertx.close();
      deleteQuietly(tempDir);
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      throw CliException.failure("cannot start the local cluster on " + request.host() + ":" + request.port()
          + ": " + cause.getMessage());
    }
    String address = cluster.address();
    String scheme = request.tls().serves() ? "https://" : "http://";
    var out = output.out();
    out.println("iris local: a controller and " + request.workers() + " worker(s) on " + address);
    out.println("  state:      " + request.workDir().map(d -> d.resolve("state").toAbsolutePath().toString())
        .orElse("in memory (give --work-dir DIR to keep it across restarts)"));
    out.println("  dashboard:  " + scheme + address + "/");
    out.println("  try:        ./iris job run --replicas 4 -- sh -c 'echo hello from task $IRIS_TASK_INDEX'"
        + (request.port() == 10000 ? "" : "   (with IRIS_CONTROLLER_ADDRESS=" + address + ")")
        + request.tls().cert().map(c -> "   (with IRIS_TLS_CA=" + c.toAbsolutePath() + ")").orElse(""));
    out.println("  Ctrl+C stops the cluster and every task it runs");
    if (request.demo()) {
      // a certificate is a trust anchor for itself: the demo is submitted over the TLS it serves
      RemoteOptions options = request.tls().cert().map(RemoteOptions.plaintext()::withTlsCa)
          .orElse(RemoteOptions.plaintext()).withToken(cluster.token());
      try (IrisClient iris = IrisClient.remote(address, options)) {
        String id = iris.submit(DEMO).id();
        out.println("  demo job:   " + id + " (4 tasks)  ->  " + scheme + address + "/#/jobs/" + id
            + "   or ./iris job logs " + id + " --follow");
      } catch (IrisException e) {
        out.println("  demo job not submitted: " + e.getMessage());
      }
    }
    out.flush();
    LocalCluster started = cluster;
    Path ownDir = tempDir;
    return runUntilShutdown("local cluster", vertx, () -> started.stop()
        .eventually(() -> vertx.executeBlocking(() -> {
          deleteQuietly(ownDir);
          return null;
        })));
  }

  /**
   * The controller's authentication from its flags: the admin token file (made when absent) and the users
   * file. Says where the token is, never what it is.
   */
  private static ControllerAuth controllerAuth(AuthSpec spec) {
    if (!spec.enabled()) {
      LOG.warn("authentication is off (--no-auth): every caller of the port is trusted as an admin");
      return ControllerAuth.none();
    }
    try {
      TokenFiles.Loaded admin = TokenFiles.loadOrCreate(spec.tokenFile());
      LOG.info(admin.created() ? "created the cluster's admin token in {} (mode 0600)" : "admin token from {}",
          spec.tokenFile());
      if (TokenFiles.readableByOthers(spec.tokenFile())) {
        LOG.warn("token file {} is readable by other users: chmod 600 it", spec.tokenFile());
      }
      List<TokenBook.Grant> users = List.of();
      if (spec.usersFile().isPresent()) {
        Path f = spec.usersFile().get();
        try {
          users = UsersFile.parse(java.nio.file.Files.readString(f));
        } catch (dev.iris.core.ValidationException e) {
          throw CliException.failure("--users-file " + f + ": " + e.getMessage());
        }
        LOG.info("{} token(s) from users file {}", users.size(), f);
      }
      return ControllerAuth.of(admin.token(), users);
    } catch (java.io.IOException e) {
      throw CliException.failure("cannot read the tokens: " + ErrorLines.ioMessage(e));
    } catch (dev.iris.core.ValidationException e) {
      throw CliException.failure(e.getMessage());
    }
  }

  /** The admin token {@code auth} checks callers against; null without authentication. */
  private static String adminToken(ControllerAuth auth) {
    return auth.enabled() ? auth.adminToken() : null;
  }

  /**
   * A plain Vert.x, or one that joined the cluster: its event bus over TLS when {@code tls} serves it, its
   * cluster name derived from {@code token} so that members of another cluster (another token) never join
   * this one by accident. A failed join is a one-line error (and exits the JVM).
   */
  private static Vertx startVertx(Optional<ClusterSpec> cluster, Tls tls, String what, String token) {
    if (cluster.isEmpty()) {
      return Vertx.vertx();
    }
    ClusterSpec c = cluster.get();
    try {
      return await(new ClusteredVertx(c.host(), c.port(),
          c.members().stream().map(HostPort::toString).toList(), tls, ClusteredVertx.clusterNameFor(token)).start());
    } catch (ExecutionException | InterruptedException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      String reason = String.valueOf(cause.getMessage());
      String hint = reason.contains("network interface") ? " (give --cluster-host an address of this machine)"
          : reason.contains("already in use") ? " (give --cluster-port a free port)" : "";
      throw CliException.failure("cannot join the cluster as " + c.host() + ":" + c.port() + " for the " + what
          + ": " + reason + hint);
    }
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try {
      dev.iris.worker.host.WorkDirs.deleteRecursively(dir);
    } catch (java.io.IOException e) {
      System.err.println("iris: could not delete " + dir + ": " + e.getMessage());
    }
  }

  /**
   * The job {@code iris local --demo} submits: four tasks that count for a minute. They ask for no whole
   * core (only a little memory), so the jobs a user tries next run at once beside them.
   */
  static final JobRequest DEMO = JobRequest.command("sh", "-c",
          "echo \"task $IRIS_TASK_INDEX of $IRIS_NUM_TASKS on $IRIS_WORKER_ID\"; "
              + "for i in $(seq 1 60); do echo \"task $IRIS_TASK_INDEX: step $i\"; sleep 1; done")
      .name("demo").replicas(4).cpu(0).memoryBytes(64L << 20);

  /** Blocks the calling (main) thread until the JVM shuts down, then runs {@code stop}. */
  private static int runUntilShutdown(String what, Vertx vertx, java.util.function.Supplier<Future<?>> stop) {
    return runUntilShutdown(what, vertx, stop, Promise.<String>promise().future());
  }

  /**
   * Blocks the calling (main) thread until the JVM shuts down, then runs {@code stop}; or until {@code fatal}
   * completes, then runs {@code stop}, closes {@code vertx} and fails with {@code fatal}'s message (one line,
   * exit code 1).
   */
  private static int runUntilShutdown(String what, Vertx vertx, java.util.function.Supplier<Future<?>> stop,
      Future<String> fatal) {
    CountDownLatch stopped = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicReference<String> failure = new java.util.concurrent.atomic.AtomicReference<>();
    fatal.onSuccess(message -> {
      failure.set(message);
      stopped.countDown();
    });
    Thread hook = new Thread(() -> {
      try {
        await(stop.get()); // stops the nodes; their tasks are killed
        await(vertx.close()); // from this thread: a close composed on an event loop never reports back
      } catch (Exception ignored) {
        // exiting anyway
      } finally {
        stopped.countDown();
      }
    }, "iris-" + what.replace(' ', '-') + "-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    String message = failure.get();
    if (message == null) {
      return ExitCodes.OK;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      return ExitCodes.FAILURE; // the hook stops everything
    }
    try {
      await(stop.get());
      await(vertx.close());
    } catch (Exception e) {
      // failing anyway
    }
    throw CliException.failure(message);
  }

  static <T> T await(Future<T> f) throws InterruptedException, ExecutionException {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new ExecutionException("timed out", e);
    }
  }
}
