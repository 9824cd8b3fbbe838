package dev.iris.client;

import com.google.protobuf.ByteString;
import dev.iris.common.ProtoSpecs;
import dev.iris.core.ConstraintOp;
import dev.iris.core.Sha256;
import dev.iris.rpc.CommandEntrypoint;
import dev.iris.rpc.Constraint;
import dev.iris.rpc.Controller;
import dev.iris.rpc.CoschedulingConfig;
import dev.iris.rpc.EnvironmentConfig;
import dev.iris.rpc.ResourceSpecProto;
import dev.iris.worker.bundle.BundleCache;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A job to submit, built fluently:
 *
 * <pre>{@code
 * JobRequest r = JobRequest.command("python", "-u", "train.py")
 *     .name("train").replicas(4).cpu(2).memoryBytes(4L << 30)
 *     .env("SEED", "1").port("http").maxRetriesFailure(2)
 *     .constraint("zone", "EQ", "us-east").workspace(Path.of("."));
 * JobHandle job = client.submit(r);
 * }</pre>
 */
public final class JobRequest {
  private final List<String> argv;
  private String name;
  private int replicas = 1;
  private int cpu = 1;
  private long memoryBytes;
  private long diskBytes;
  private int gpus;
  private String gpuVariant = "";
  private final Map<String, String> env = new LinkedHashMap<>();
  private final List<String> ports = new ArrayList<>();
  private final List<Constraint> constraints = new ArrayList<>();
  private String coscheduleBy = "";
  private int maxTaskFailures;
  private int maxRetriesFailure;
  private Integer maxRetriesPreemption;
  private Duration schedulingTimeout = Duration.ZERO;
  private Duration timeout = Duration.ZERO;
  private Path workspace;
  private List<String> setup = List.of();
  private String parentJobId = "";

  private JobRequest(List<String> argv) {
    this.argv = List.copyOf(argv);
  }

  public static JobRequest command(String... argv) {
    return new JobRequest(List.of(argv));
  }

  public static JobRequest command(List<String> argv) {
    return new JobRequest(argv);
  }

  public JobRequest name(String n) { this.name = n; return this; }
  /**
   * How many tasks, 1..{@value dev.iris.core.JobSpec#MAX_REPLICAS}. Checked here: on the wire 0 means
   * "unset", which the controller reads as 1.
   *
   * @throws IrisException INVALID_ARGUMENT when {@code n} is out of range
   */
  public JobRequest replicas(int n) {
    if (n < 1 || n > dev.iris.core.JobSpec.MAX_REPLICAS) {
      throw new IrisException("INVALID_ARGUMENT",
          "replicas must be between 1 and " + dev.iris.core.JobSpec.MAX_REPLICAS + ", got " + n);
    }
    this.replicas = n;
    return this;
  }
  public JobRequest cpu(int n) { this.cpu = n; return this; }
  public JobRequest memoryBytes(long b) { this.memoryBytes = b; return this; }
  public JobRequest diskBytes(long b) { this.diskBytes = b; return this; }
  public JobRequest gpus(int n, String variant) { this.gpus = n; this.gpuVariant = variant == null ? "" : variant; return this; }
  public JobRequest env(String k, String v) { env.put(k, v); return this; }
  public JobRequest env(Map<String, String> vars) { env.putAll(vars); return this; }
  public JobRequest port(String portName) { ports.add(portName); return this; }
  public JobRequest coscheduleBy(String attribute) { this.coscheduleBy = attribute; return this; }
  public JobRequest maxTaskFailures(int n) { this.maxTaskFailures = n; return this; }
  public JobRequest maxRetriesFailure(int n) { this.maxRetriesFailure = n; return this; }
  public JobRequest maxRetriesPreemption(int n) { this.maxRetriesPreemption = n; return this; }
  public JobRequest schedulingTimeout(Duration d) { this.schedulingTimeout = d; return this; }
  public JobRequest timeout(Duration d) { this.timeout = d; return this; }
  public JobRequest workspace(Path dir) { this.workspace = dir; return this; }
  public JobRequest setup(List<String> command) { this.setup = List.copyOf(command); return this; }
  public JobRequest parent(String jobId) { this.parentJobId = jobId; return this; }

  /**
   * Adds an attribute constraint; {@code op} is EQ, NE, EXISTS, NOT_EXISTS, GT, GE, LT, LE or IN (comma-separated
   * values), in any case.
   *
   * @throws IllegalArgumentException when {@code op} is none of these
   */
  public JobRequest constraint(String key, String op, String value) {
    ConstraintOp o;
    try {
      o = ConstraintOp.valueOf(op.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("constraint operator '" + op + "' is not one of "
          + Arrays.toString(ConstraintOp.values()));
    }
    Constraint.Builder c = Constraint.newBuilder().setKey(key).setOp(ProtoSpecs.toProto(o));
    if (o == ConstraintOp.IN) {
      c.addAllValues(List.of(value.split(",")));
    } else if (value != null) {
      c.setValue(value);
    }
    constraints.add(c.build());
    return this;
  }

  public String name() {
    return name;
  }

  /** The request as sent; {@code defaultParent} is used when no parent was set (the enclosing task's job). */
  Controller.LaunchJobRequest toProto(String defaultName, String defaultParent) {
    ResourceSpecProto.Builder res = ResourceSpecProto.newBuilder().setReplicas(replicas).setCpu(cpu)
        .setMemoryBytes(memoryBytes).setDiskBytes(diskBytes);
    if (gpus > 0) {
      res.setDevice(ProtoSpecs.gpus(gpus, gpuVariant));
    }
    Controller.LaunchJobRequest.Builder b = Controller.LaunchJobRequest.newBuilder()
        .setName(name == null ? defaultName : name)
        .setEntrypoint(CommandEntrypoint.newBuilder().addAllArgv(argv))
        .setResources(res)
        .setEnvironment(EnvironmentConfig.newBuilder().putAllEnvVars(env).addAllSetupCommand(setup))
        .addAllPorts(ports)
        .addAllConstraints(constraints)
        .setMaxTaskFailures(maxTaskFailures)
        .setMaxRetriesFailure(maxRetriesFailure)
        .setSchedulingTimeoutSeconds(Math.toIntExact(schedulingTimeout.toSeconds()))
        .setTimeoutSeconds(Math.toIntExact(timeout.toSeconds()))
        .setParentJobId(parentJobId.isEmpty() ? defaultParent : parentJobId);
    if (maxRetriesPreemption != null) {
      b.setMaxRetriesPreemption(maxRetriesPreemption);
    }
    if (!coscheduleBy.isEmpty()) {
      b.setCoscheduling(CoschedulingConfig.newBuilder().setGroupBy(coscheduleBy));
    }
    if (workspace != null) {
      byte[] zip = BundleCache.zipDirectory(workspace);
      b.setBundleBlob(ByteString.copyFrom(zip)).setBundleHash(Sha256.hex(zip));
      b.getEnvironmentBuilder().setWorkspace(workspace.toAbsolutePath().toString());
    }
    return b.build();
  }
}
