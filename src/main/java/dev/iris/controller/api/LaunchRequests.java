package dev.iris.controller.api;

import dev.iris.common.ProtoSpecs;
import dev.iris.core.BundleFormat;
import dev.iris.core.Constraint;
import dev.iris.core.JobId;
import dev.iris.core.JobSpec;
import dev.iris.core.Quoted;
import dev.iris.core.Resources;
import dev.iris.core.Sha256;
import dev.iris.core.ValidationException;
import dev.iris.rpc.Controller.LaunchJobRequest;
import dev.iris.rpc.ResourceSpecProto;
import java.util.ArrayList;
import java.util.List;

/** Turns a LaunchJobRequest into a validated {@link JobSpec}, or a {@link ValidationException} saying why not. */
public final class LaunchRequests {
  /** The largest bundle (a zip archive, see {@link BundleFormat}) a job may carry. */
  public static final int MAX_BUNDLE_BYTES = 64 * 1024 * 1024;

  private LaunchRequests() {}

  public static JobSpec toSpec(LaunchJobRequest r, String user) {
    JobId id = jobId(r.getName(), r.getParentJobId());
    List<String> argv = argv(r);
    ResourceSpecProto res = r.getResources();
    int replicas = res.getReplicas() == 0 ? 1 : res.getReplicas();
    List<Constraint> constraints = new ArrayList<>();
    for (dev.iris.rpc.Constraint c : r.getConstraintsList()) {
      constraints.add(ProtoSpecs.toDomain(c));
    }
    return new JobSpec(
        id,
        argv,
        resources(res),
        replicas,
        r.getEnvironment().getEnvVarsMap(),
        r.getPortsList(),
        constraints,
        r.getCoscheduling().getGroupBy(),
        r.getMaxTaskFailures(),
        r.getMaxRetriesFailure(),
        r.hasMaxRetriesPreemption() ? r.getMaxRetriesPreemption() : JobSpec.DEFAULT_MAX_RETRIES_PREEMPTION,
        seconds("scheduling_timeout_seconds", r.getSchedulingTimeoutSeconds()) * 1000L,
        (int) seconds("timeout_seconds", r.getTimeoutSeconds()),
        r.getEnvironment().getSetupCommandList(),
        bundleHash(r),
        user);
  }

  private static JobId jobId(String name, String parent) {
    if (name.isEmpty()) {
      throw new ValidationException("job name must not be empty");
    }
    if (name.contains("/")) {
      throw new ValidationException(
          "job name " + Quoted.of(name) + " must not contain '/'; set parent_job_id for a child job");
    }
    return parent.isEmpty() ? JobId.root(name) : JobId.of(parent).child(name);
  }

  private static List<String> argv(LaunchJobRequest r) {
    if (!r.hasEntrypoint() && r.getSerializedEntrypoint().isEmpty()) {
      throw new ValidationException("job needs a command (entrypoint.argv)");
    }
    return ProtoSpecs.command(r.hasEntrypoint(), r.getEntrypoint(), r.getSerializedEntrypoint());
  }

  private static Resources resources(ResourceSpecProto r) {
    if (r.getCpu() < 0 || r.getMemoryBytes() < 0 || r.getDiskBytes() < 0) {
      throw new ValidationException("resources must not be negative: cpu=" + r.getCpu() + " memory_bytes="
          + r.getMemoryBytes() + " disk_bytes=" + r.getDiskBytes());
    }
    if (r.getReplicas() < 0) {
      throw new ValidationException("replicas must be between 1 and " + JobSpec.MAX_REPLICAS + ", got " + r.getReplicas());
    }
    int gpus = ProtoSpecs.gpuCount(r.getDevice());
    if (gpus < 0) {
      throw new ValidationException("gpu count must not be negative, got " + gpus);
    }
    return ProtoSpecs.toDomain(r);
  }

  private static long seconds(String field, int value) {
    if (value < 0) {
      throw new ValidationException(field + " must not be negative, got " + value);
    }
    return value;
  }

  private static String bundleHash(LaunchJobRequest r) {
    if (r.getBundleBlob().isEmpty()) {
      if (!r.getBundleHash().isEmpty()) {
        throw new ValidationException("bundle_hash given without bundle_blob");
      }
      return "";
    }
    if (r.getBundleBlob().size() > MAX_BUNDLE_BYTES) {
      throw new ValidationException("bundle is " + r.getBundleBlob().size() + " bytes; at most " + MAX_BUNDLE_BYTES);
    }
    BundleFormat.check(r.getBundleBlob().asReadOnlyByteBuffer());
    String actual = Sha256.hex(r.getBundleBlob().toByteArray());
    if (!r.getBundleHash().isEmpty() && !r.getBundleHash().equalsIgnoreCase(actual)) {
      throw new ValidationException("bundle_hash does not match the bundle's sha-256 (" + actual + ")");
    }
    return actual;
  }
}
