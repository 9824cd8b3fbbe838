package dev.iris.e2e.netlab;

import dev.iris.client.IrisClient;
import dev.iris.e2e.Processes;
import dev.iris.rpc.WorkerHealthStatus;
import dev.iris.worker.Poll;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Iris on a {@link NetLab}: an {@code iris controller} JVM on one host and an {@code iris worker} JVM on each of
 * some others, each bound to its host's address (the controller on port 10000, workers on 10001; the worker id
 * is the host's name, and its attribute {@code host} too), started through {@link Processes} so their output is
 * in log files. The test talks to the controller through a {@link Tunnel} that enters the controller's host from
 * the side, so it keeps watching while the lab cuts hosts off.
 *
 * <p>{@link #close} resumes paused JVMs, stops every JVM it started (SIGTERM, then SIGKILL), and every task
 * process the workers left behind; the lab's own close then kills whatever is still inside a host.
 */
public final class LabCluster implements AutoCloseable {
  public static final int CONTROLLER_PORT = 10000;
  public static final int WORKER_PORT = 10001;
  public static final int CLUSTER_PORT = 5701;
  private static final Duration WAIT = Duration.ofSeconds(90);

  private final NetLab lab;
  private final Path dir;
  private final Processes processes;
  private final Options options;
  private final Host controllerHost;
  private final Map<String, Processes.Server> servers = new LinkedHashMap<>();
  private final Set<String> paused = ConcurrentHashMap.newKeySet();
  private Tunnel tunnel;
  private IrisClient iris;

  /**
   * How to run Iris on the lab.
   *
   * @param workerCpu cores each worker offers
   * @param cluster {@code --cluster}: the controller and workers join one Hazelcast cluster (TCP-IP join over the
   *     lab's addresses); workers then talk to the controller over the clustered event bus
   * @param controllerArgs more flags for the controller
   * @param logLevel the level the Iris JVMs log at ({@code IRIS_LOG_LEVEL}; their default is WARN)
   */
  public record Options(int workerCpu, boolean cluster, List<String> controllerArgs, String logLevel) {
    public static Options grpc(int workerCpu) {
      return new Options(workerCpu, false, List.of(), "WARN");
    }

    public static Options cluster(int workerCpu) {
      return new Options(workerCpu, true, List.of(), "WARN");
    }

    public Options logLevel(String level) {
      return new Options(workerCpu, cluster, controllerArgs, level);
    }
  }

  private LabCluster(NetLab lab, Path dir, Options options, Host controllerHost) {
    this.lab = lab;
    this.dir = dir;
    this.options = options;
    this.controllerHost = controllerHost;
    this.processes = new Processes(dir, Map.of("IRIS_CONTROLLER_ADDRESS",
        controllerHost.address() + ":" + CONTROLLER_PORT, "IRIS_LOG_LEVEL", options.logLevel()));
  }

  /**
   * Starts the controller on {@code controllerHost} and a worker on each of {@code workerHosts}, logs and state
   * under {@code dir}, and waits until every worker is registered and healthy.
   */
  public static LabCluster start(NetLab lab, Path dir, Options options, String controllerHost,
      List<String> workerHosts) {
    LabCluster c = new LabCluster(lab, dir, options, lab.host(controllerHost));
    try {
      c.startAll(workerHosts);
      return c;
    } catch (RuntimeException | Error e) {
      c.close();
      throw e;
    }
  }

  private void startAll(List<String> workerHosts) {
    String members = options.cluster() ? clusterMembers(workerHosts) : "";
    List<String> args = new ArrayList<>(List.of("controller", "--host", controllerHost.address(),
        "--port", Integer.toString(CONTROLLER_PORT), "--state-dir", dir.resolve("state").toString()));
    args.addAll(clusterArgs(controllerHost, members));
    args.addAll(options.controllerArgs());
    Processes.Server controller = startIris(controllerHost, args);
    servers.put(controllerHost.name(), controller);
    Processes.awaitLine(controller, "iris controller listening on " + controllerAddress(), WAIT);
    for (String name : workerHosts) {
      startWorker(name, members);
    }
    tunnel = Tunnel.open(processes, controllerHost, controllerHost.address(), CONTROLLER_PORT, dir);
    iris = IrisClient.remote(tunnel.address(), processes.token());
    awaitHealthy(workerHosts);
  }

  private void startWorker(String name, String members) {
    Host host = lab.host(name);
    List<String> w = new ArrayList<>(List.of("worker", "--controller", controllerAddress(),
        "--host", host.address(), "--port", Integer.toString(WORKER_PORT), "--worker-id", name,
        "--work-dir", dir.resolve("work-" + name).toString(), "--cpu", Integer.toString(options.workerCpu()),
        "--attribute", "host=" + name));
    w.addAll(clusterArgs(host, members));
    servers.put(name, startIris(host, w));
  }

  /**
   * Starts workers on more hosts of the lab (gRPC mode only: cluster members are listed at the start) and waits
   * until they are registered and healthy, with every worker before them.
   */
  public void addWorkers(List<String> workerHosts) {
    if (options.cluster()) {
      throw new IllegalStateException("workers join a --cluster lab only at its start");
    }
    workerHosts.forEach(name -> startWorker(name, ""));
    awaitHealthy(servers.keySet().stream().filter(h -> !h.equals(controllerHost.name())).toList());
  }

  private void awaitHealthy(List<String> workerHosts) {
    Poll.until(WAIT, "workers " + workerHosts + " to register", () -> iris.listWorkers().stream()
        .filter(WorkerHealthStatus::getHealthy).count() == workerHosts.size());
  }

  private String clusterMembers(List<String> workerHosts) {
    List<String> members = new ArrayList<>();
    members.add(controllerHost.address() + ":" + CLUSTER_PORT);
    workerHosts.forEach(h -> members.add(lab.host(h).address() + ":" + CLUSTER_PORT));
    return String.join(",", members);
  }

  private List<String> clusterArgs(Host host, String members) {
    if (!options.cluster()) {
      return List.of();
    }
    // Hazelcast members do not authenticate each other: a cluster address other hosts reach needs --insecure
    return List.of("--cluster", "--cluster-host", host.address(), "--cluster-port", Integer.toString(CLUSTER_PORT),
        "--cluster-members", members, "--insecure");
  }

  private Processes.Server startIris(Host host, List<String> args) {
    return processes.startVia(host.prefix(), host.name() + "-" + args.get(0), "dev.iris.cli.Main",
        args.toArray(String[]::new));
  }

  /** The controller's address inside the lab, {@code 198.18.0.x:10000}. */
  public String controllerAddress() {
    return controllerHost.address() + ":" + CONTROLLER_PORT;
  }

  public Host controllerHost() {
    return controllerHost;
  }

  /** A client of the controller (through the tunnel). */
  public IrisClient iris() {
    return iris;
  }

  /** Another client of the controller (through the tunnel); the caller closes it. */
  public IrisClient newClient() {
    return IrisClient.remote(tunnel.address(), processes.token());
  }

  /** The JVMs started, for their logs. */
  public Processes processes() {
    return processes;
  }

  /** The Iris JVM on {@code hostName} (the controller's host or a worker's). */
  public Processes.Server server(String hostName) {
    Processes.Server s = servers.get(hostName);
    if (s == null) {
      throw new IllegalArgumentException("no iris JVM on " + hostName);
    }
    return s;
  }

  /** Every Iris JVM by host name. */
  public Map<String, Processes.Server> servers() {
    return Map.copyOf(servers);
  }

  /**
   * SIGKILLs the Iris JVM on {@code hostName}, by its own handle; the task processes a worker leaves are stopped at
   * {@link #close} (or by the worker's watchdog companion, which is Iris's own business).
   */
  public void kill(String hostName) {
    Process p = server(hostName).process();
    p.descendants().forEach(processes::track);
    p.destroyForcibly();
  }

  /** SIGSTOPs the Iris JVM on {@code hostName} (its task processes run on). */
  public void pause(String hostName) {
    signal(hostName, "STOP");
    paused.add(hostName);
  }

  /** SIGCONTs a JVM {@link #pause}d. */
  public void resume(String hostName) {
    signal(hostName, "CONT");
    paused.remove(hostName);
  }

  private void signal(String hostName, String signal) {
    Cmd.must(Tools.KILL, "-" + signal, Long.toString(server(hostName).process().pid()));
  }

  /**
   * Resumes paused JVMs, closes the client and the tunnel, and stops every JVM started (workers first) and every
   * process they left behind.
   */
  @Override
  public void close() {
    for (String h : List.copyOf(paused)) {
      try {
        resume(h);
      } catch (RuntimeException gone) {
        // already dead
      }
    }
    try {
      if (iris != null) {
        iris.close();
      }
    } finally {
      try {
        if (tunnel != null) {
          tunnel.close();
        }
      } finally {
        for (Processes.Server s : servers.values()) {
          s.process().descendants().forEach(processes::track);
        }
        processes.close();
      }
    }
  }
}
