package dev.iris.cli.request;

import dev.iris.cli.parse.PortRange;
import dev.iris.common.HostPort;
import dev.iris.common.Tls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * {@code iris worker}: run a worker process that registers with a controller (over gRPC, or over a clustered
 * event bus with {@code --cluster}). Resources left empty are
 * detected from the machine.
 *
 * @param controller the controller to register with
 * @param host the address the worker binds to and advertises
 * @param port the worker's port; 0 picks a free one
 * @param workDir where task directories live; empty means a default under the system temp directory
 * @param cpu whole cores offered to tasks; empty means all cores
 * @param memoryBytes memory offered to tasks; empty means the machine's memory
 * @param diskBytes disk offered to tasks; empty means the free space of {@code workDir}
 * @param attributes placement attributes ({@code --attribute k=v}), in the order given
 * @param workerId a fixed worker id; empty lets the worker derive one
 * @param taskPorts the ports handed to tasks; empty means the default range, 30000-40000
 * @param cluster join a clustered event bus instead of registering over gRPC; empty means gRPC
 * @param keepTaskDirs how long a finished task's directory is kept; zero removes it at once
 * @param inheritEnv whether tasks inherit the worker's whole environment instead of a minimal base
 * @param tls the port serves TLS with its certificate and key (so does the event bus, with {@code --cluster}); the
 *     controller (and members) are called over TLS when it has a CA; files checked
 */
public record StartWorkerRequest(
    ControllerTarget controller,
    String host,
    int port,
    Optional<Path> workDir,
    OptionalInt cpu,
    OptionalLong memoryBytes,
    OptionalLong diskBytes,
    Map<String, String> attributes,
    Optional<String> workerId,
    Optional<PortRange> taskPorts,
    Optional<ClusterSpec> cluster,
    Duration keepTaskDirs,
    boolean inheritEnv,
    Tls tls) {

  public StartWorkerRequest {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(controller, "controller");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(workDir, "workDir");
    Objects.requireNonNull(cpu, "cpu");
    Objects.requireNonNull(memoryBytes, "memoryBytes");
    Objects.requireNonNull(diskBytes, "diskBytes");
    attributes = OrderedMaps.copyOf(attributes);
    Objects.requireNonNull(workerId, "workerId");
    Objects.requireNonNull(taskPorts, "taskPorts");
    Objects.requireNonNull(keepTaskDirs, "keepTaskDirs");
    Objects.requireNonNull(tls, "tls");
  }

  /** The same without TLS. */
  public StartWorkerRequest(ControllerTarget controller, String host, int port, Optional<Path> workDir, OptionalInt cpu,
      OptionalLong memoryBytes, OptionalLong diskBytes, Map<String, String> attributes, Optional<String> workerId,
      Optional<PortRange> taskPorts, Optional<ClusterSpec> cluster, Duration keepTaskDirs, boolean inheritEnv) {
    this(controller, host, port, workDir, cpu, memoryBytes, diskBytes, attributes, workerId, taskPorts, cluster,
        keepTaskDirs, inheritEnv, Tls.NONE);
  }

  /** The same without {@code --cluster}, keeping no task directory. */
  public StartWorkerRequest(ControllerTarget controller, String host, int port, Optional<Path> workDir, OptionalInt cpu,
      OptionalLong memoryBytes, OptionalLong diskBytes, Map<String, String> attributes, Optional<String> workerId,
      Optional<PortRange> taskPorts) {
    this(controller, host, port, workDir, cpu, memoryBytes, diskBytes, attributes, workerId, taskPorts,
        Optional.empty(), Duration.ZERO, false, Tls.NONE);
  }
}
