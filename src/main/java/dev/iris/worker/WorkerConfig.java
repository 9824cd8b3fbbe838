package dev.iris.worker;

import dev.iris.common.Tls;
import dev.iris.core.WorkerIds;
import dev.iris.worker.host.MachineProbe;
import dev.iris.worker.ports.PortAllocator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How one worker runs.
 *
 * @param workerId the id it registers under
 * @param host the address its WorkerService server binds to; also exported as {@code IRIS_BIND_HOST}
 * @param port the server's port: 0 = any free port; -1 = no network server, reachable only over the
 *     event bus (it then registers as {@code bus://<workerId>})
 * @param advertiseHost the host the controller and tasks use to reach it ({@code IRIS_ADVERTISE_HOST})
 * @param workDir where attempt directories, logs, pid records and the bundle cache live
 * @param cpu whole cores offered; null = probe the machine
 * @param memoryBytes memory offered; null = probe the machine
 * @param diskBytes disk offered; null = usable space of the work directory's file store
 * @param attributes placement attributes jobs can constrain on
 * @param controllerAddress exported to tasks as {@code IRIS_CONTROLLER_ADDRESS}; empty = not exported
 * @param portRangeFrom first port handed to tasks. Workers sharing a machine (e.g. {@code iris local})
 *     need disjoint ranges: each worker's allocator knows only its own ports, and its bind probe cannot
 *     see a port another worker handed out that the task has not bound yet
 * @param portRangeTo last port handed to tasks (inclusive)
 * @param keepTaskDirs how long a finished attempt's working directory stays once no process of the attempt is
 *     left: zero (the default; null means zero) removes it at once, a positive duration that long after; the
 *     attempt's eviction from the worker's history (which also drops its logs) removes it earlier if that
 *     comes first. See {@link TaskDirRetention}
 * @param inheritEnv whether tasks inherit the worker's whole environment; by default they get only
 *     {@link TaskEnvironment#BASE} of it (the rest may hold the worker's own credentials)
 * @param tls the port serves gRPC and HTTPS with its certificate and key; its CA (what the worker verifies
 *     the controller with) is exported to tasks as {@code IRIS_TLS_CA}, so their clients reach the controller
 */
public record WorkerConfig(String workerId, String host, int port, String advertiseHost, Path workDir,
    Integer cpu, Long memoryBytes, Long diskBytes, Map<String, String> attributes, String controllerAddress,
    int portRangeFrom, int portRangeTo, Duration keepTaskDirs, boolean inheritEnv, String token, Tls tls) {

  /** Validates and copies. */
  public WorkerConfig {
    Objects.requireNonNull(workerId, "workerId");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(advertiseHost, "advertiseHost");
    Objects.requireNonNull(workDir, "workDir");
    if (workerId.isBlank()) {
      throw new IllegalArgumentException("worker id must not be blank");
    }
    if (port < -1 || port > 65535) {
      throw new IllegalArgumentException("worker port must be -1 (bus only), 0 (any) or 1-65535, got " + port);
    }
    if ((cpu != null && cpu < 0) || (memoryBytes != null && memoryBytes < 0) || (diskBytes != null && diskBytes < 0)) {
      throw new IllegalArgumentException("worker capacity must not be negative");
    }
    if (portRangeFrom < 1 || portRangeTo > 65535 || portRangeFrom > portRangeTo) {
      throw new IllegalArgumentException("invalid task port range " + portRangeFrom + "-" + portRangeTo);
    }
    if (keepTaskDirs != null && keepTaskDirs.isNegative()) {
      throw new IllegalArgumentException("keepTaskDirs must not be negative, got " + keepTaskDirs);
    }
    attributes = Map.copyOf(attributes == null ? Map.of() : attributes);
    controllerAddress = controllerAddress == null ? "" : controllerAddress;
    keepTaskDirs = keepTaskDirs == null ? Duration.ZERO : keepTaskDirs;
    token = token == null ? "" : token;
    tls = tls == null ? Tls.NONE : tls;
  }

  /** A worker without TLS or a token. */
  public WorkerConfig(String workerId, String host, int port, String advertiseHost, Path workDir, Integer cpu,
      Long memoryBytes, Long diskBytes, Map<String, String> attributes, String controllerAddress, int portRangeFrom,
      int portRangeTo, Duration keepTaskDirs, boolean inheritEnv) {
    this(workerId, host, port, advertiseHost, workDir, cpu, memoryBytes, diskBytes, attributes, controllerAddress,
        portRangeFrom, portRangeTo, keepTaskDirs, inheritEnv, "", Tls.NONE);
  }

  /**
   * An in-process worker reachable only over the event bus, on loopback, capacity probed, no attributes,
   * task ports from 30000-40000, finished attempts' directories removed at once.
   */
  public static WorkerConfig defaults(String workerId, Path workDir) {
    return new WorkerConfig(workerId, "127.0.0.1", -1, "127.0.0.1", workDir, null, null, null, Map.of(), "",
        PortAllocator.DEFAULT_FROM, PortAllocator.DEFAULT_TO, Duration.ZERO, false, "", Tls.NONE);
  }

  /** The same worker serving gRPC on {@code host:port} (port 0 = any), advertised as {@code advertiseHost}. */
  public WorkerConfig withServer(String host, int port, String advertiseHost) {
    return new WorkerConfig(workerId, host, port, advertiseHost, workDir, cpu, memoryBytes, diskBytes, attributes,
        controllerAddress, portRangeFrom, portRangeTo, keepTaskDirs, inheritEnv, token, tls);
  }

  /** The same worker with fixed capacity (null entries are probed). */
  public WorkerConfig withCapacity(Integer cpu, Long memoryBytes, Long diskBytes) {
    return new WorkerConfig(workerId, host, port, advertiseHost, workDir, cpu, memoryBytes, diskBytes, attributes,
        controllerAddress, portRangeFrom, portRangeTo, keepTaskDirs, inheritEnv, token, tls);
  }

  /** The same worker with placement attributes. */
  public WorkerConfig withAttributes(Map<String, String> attributes) {
    return new WorkerConfig(workerId, host, port, advertiseHost, workDir, cpu, memoryBytes, diskBytes, attributes,
        controllerAddress, portRangeFrom, portRangeTo, keepTaskDirs, inheritEnv, token, tls);
  }

  /** The same worker telling its tasks where the controller is. */
  public WorkerConfig withControllerAddress(String controllerAddress) {
    return new WorkerConfig(workerId, host, port, advertiseHost, workDir, cpu, memoryBytes, diskBytes, attributes,
        controllerAddress, portRangeFrom, portRangeTo, keepTaskDirs, inheritEnv, token, tls);
  }

  /** The same worker handing its tasks ports from {@code from} to {@code to}. */
  public WorkerConfig withPortRange(int from, int to) {
    return new WorkerConfig(workerId, host, port, advertiseHost, workDir, cpu, memoryBytes, diskBytes, attributes,
        controllerAddress, from, to, keepTaskDirs, inheritEnv, token, tls);
  }

  /** The same config, with tasks inheriting the worker's whole environment ({@code true}) or a minimal base. */
  public WorkerConfig withInheritEnv(boolean inherit) {
    return new WorkerConfig(workerId, host, port, advertiseHost, workDir, cpu, memoryBytes, diskBytes, attributes,
        controllerAddress, portRangeFrom, portRangeTo, keepTaskDirs, inherit, token, tls);
  }

  /** The same worker keeping a finished attempt's working directory for {@code keep} (zero: not at all). */
  public WorkerConfig withKeepTaskDirs(Duration keep) {
    return new WorkerConfig(workerId, host, port, advertiseHost, workDir, cpu, memoryBytes, diskBytes, attributes,
        controllerAddress, portRangeFrom, portRangeTo, keep, inheritEnv, token, tls);
  }

  /**
   * The same worker holding {@code token} (its token for the controller): it then takes WorkerService calls
   * only from its controller, and serves its own HTTP API only to callers bearing this token.
   */
  public WorkerConfig withToken(String token) {
    return new WorkerConfig(workerId, host, port, advertiseHost, workDir, cpu, memoryBytes, diskBytes, attributes,
        controllerAddress, portRangeFrom, portRangeTo, keepTaskDirs, inheritEnv, token, tls);
  }

  /** The same worker serving with {@code tls}'s certificate and key, and telling tasks its CA. */
  public WorkerConfig withTls(Tls tls) {
    return new WorkerConfig(workerId, host, port, advertiseHost, workDir, cpu, memoryBytes, diskBytes, attributes,
        controllerAddress, portRangeFrom, portRangeTo, keepTaskDirs, inheritEnv, token, tls);
  }

  /**
   * A new worker id for a worker process: this machine's host name, then {@code -} and five random letters and
   * digits, so that workers on machines of the same name differ. A worker given no id keeps the one it made in
   * its work directory ({@link dev.iris.worker.host.WorkerIdFile}).
   */
  public static String newWorkerId() {
    return newWorkerId(MachineProbe.hostname(), java.util.concurrent.ThreadLocalRandom.current());
  }

  /**
   * The id {@link #newWorkerId()} makes on a machine named {@code hostname} with {@code random}: at most
   * {@value WorkerIds#MAX_LENGTH} characters, the host name cut (never the suffix), characters the controller
   * refuses turned into {@code -}, starting with a letter or digit as the controller requires.
   */
  public static String newWorkerId(String hostname, java.util.random.RandomGenerator random) {
    String host = hostname.replaceAll("[^A-Za-z0-9._:-]", "-");
    if (host.isEmpty() || !Character.isLetterOrDigit(host.charAt(0))) {
      host = "worker" + host;
    }
    StringBuilder suffix = new StringBuilder(SUFFIX_LENGTH);
    for (int i = 0; i < SUFFIX_LENGTH; i++) {
      suffix.append(SUFFIX_ALPHABET.charAt(random.nextInt(SUFFIX_ALPHABET.length())));
    }
    int hostRoom = WorkerIds.MAX_LENGTH - 1 - SUFFIX_LENGTH;
    return (host.length() > hostRoom ? host.substring(0, hostRoom) : host) + "-" + suffix;
  }

  /**
   * The host to advertise for a bind address: the address itself, or for a wildcard ({@code 0.0.0.0},
   * {@code ::}) this machine's address (loopback when it has none).
   */
  public static String advertiseHostFor(String bindHost) {
    if (!bindHost.equals("0.0.0.0") && !bindHost.equals("::") && !bindHost.equals("[::]")) {
      return bindHost;
    }
    try {
      return java.net.InetAddress.getLocalHost().getHostAddress();
    } catch (java.io.IOException e) {
      return "127.0.0.1";
    }
  }

  /** The port of a worker that serves no network port, reachable only over the event bus. */
  public static final int BUS_ONLY = -1;
  /** The random part of a new worker id: lower-case letters and digits, 36^5 (60 million) of them. */
  private static final String SUFFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
  private static final int SUFFIX_LENGTH = 5;

  /** Whether the worker serves no network port (event bus only). */
  public boolean busOnly() {
    return port == BUS_ONLY;
  }
}
