package dev.iris.common;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.iris.core.Constraint;
import dev.iris.core.ConstraintOp;
import dev.iris.core.Quoted;
import dev.iris.core.Resources;
import dev.iris.core.ValidationException;
import dev.iris.rpc.CommandEntrypoint;
import dev.iris.rpc.DeviceConfig;
import dev.iris.rpc.GpuDevice;
import dev.iris.rpc.ResourceSpecProto;
import java.util.List;
import java.util.Optional;

/**
 * The parts of a job's spec every side reads or writes, mapped once between the contract and the domain:
 * constraint operators (a switch over every value each way), constraints, resources, GPU devices, and the
 * command a request carries.
 */
public final class ProtoSpecs {
  private ProtoSpecs() {}

  public static dev.iris.rpc.ConstraintOp toProto(ConstraintOp op) {
    return switch (op) {
      case EQ -> dev.iris.rpc.ConstraintOp.CONSTRAINT_OP_EQ;
      case NE -> dev.iris.rpc.ConstraintOp.CONSTRAINT_OP_NE;
      case EXISTS -> dev.iris.rpc.ConstraintOp.CONSTRAINT_OP_EXISTS;
      case NOT_EXISTS -> dev.iris.rpc.ConstraintOp.CONSTRAINT_OP_NOT_EXISTS;
      case GT -> dev.iris.rpc.ConstraintOp.CONSTRAINT_OP_GT;
      case GE -> dev.iris.rpc.ConstraintOp.CONSTRAINT_OP_GE;
      case LT -> dev.iris.rpc.ConstraintOp.CONSTRAINT_OP_LT;
      case LE -> dev.iris.rpc.ConstraintOp.CONSTRAINT_OP_LE;
      case IN -> dev.iris.rpc.ConstraintOp.CONSTRAINT_OP_IN;
    };
  }

  /** The domain operator of {@code op}; empty for UNSPECIFIED and UNRECOGNIZED. */
  public static Optional<ConstraintOp> toDomain(dev.iris.rpc.ConstraintOp op) {
    return Optional.ofNullable(switch (op) {
      case CONSTRAINT_OP_EQ -> ConstraintOp.EQ;
      case CONSTRAINT_OP_NE -> ConstraintOp.NE;
      case CONSTRAINT_OP_EXISTS -> ConstraintOp.EXISTS;
      case CONSTRAINT_OP_NOT_EXISTS -> ConstraintOp.NOT_EXISTS;
      case CONSTRAINT_OP_GT -> ConstraintOp.GT;
      case CONSTRAINT_OP_GE -> ConstraintOp.GE;
      case CONSTRAINT_OP_LT -> ConstraintOp.LT;
      case CONSTRAINT_OP_LE -> ConstraintOp.LE;
      case CONSTRAINT_OP_IN -> ConstraintOp.IN;
      case CONSTRAINT_OP_UNSPECIFIED, UNRECOGNIZED -> null;
    });
  }

  public static dev.iris.rpc.Constraint toProto(Constraint c) {
    return dev.iris.rpc.Constraint.newBuilder().setKey(c.key()).setOp(toProto(c.op())).setValue(c.value())
        .addAllValues(c.values()).build();
  }

  /**
   * The constraint {@code c} states.
   *
   * @throws ValidationException when it has no operator or one this build does not know, or breaks a rule of
   *     {@link Constraint}
   */
  public static Constraint toDomain(dev.iris.rpc.Constraint c) {
    ConstraintOp op = toDomain(c.getOp()).orElseThrow(() -> new ValidationException(
        c.getOp() == dev.iris.rpc.ConstraintOp.UNRECOGNIZED
            ? "constraint on " + Quoted.of(c.getKey()) + " has operator " + c.getOpValue()
                + ", not one this server knows"
            : "constraint on " + Quoted.of(c.getKey()) + " has no operator"));
    return new Constraint(c.getKey(), op, c.getValue(), c.getValuesList());
  }

  /** What each of {@code replicas} tasks reserves. */
  public static ResourceSpecProto toProto(Resources r, int replicas) {
    ResourceSpecProto.Builder b = ResourceSpecProto.newBuilder()
        .setCpu(r.cpu()).setMemoryBytes(r.memoryBytes()).setDiskBytes(r.diskBytes()).setReplicas(replicas);
    if (r.gpus() > 0) {
      b.setDevice(gpus(r.gpus(), r.gpuVariant()));
    }
    return b.build();
  }

  /**
   * What each task of {@code r} reserves (its replica count is the caller's to read).
   *
   * @throws ValidationException when an amount is negative
   */
  public static Resources toDomain(ResourceSpecProto r) {
    return new Resources(r.getCpu(), r.getMemoryBytes(), r.getDiskBytes(), gpuCount(r.getDevice()),
        gpuVariant(r.getDevice()));
  }

  /**
   * The command a request carries, either as {@code entrypoint} or as {@code serialized_entrypoint} (a
   * serialized {@link CommandEntrypoint}); empty when it carries neither.
   *
   * @throws ValidationException when it carries both, or the serialized form does not parse
   */
  public static List<String> command(boolean hasEntrypoint, CommandEntrypoint entrypoint, ByteString serialized) {
    if (hasEntrypoint && !serialized.isEmpty()) {
      throw new ValidationException("set either entrypoint or serialized_entrypoint, not both");
    }
    if (hasEntrypoint) {
      return entrypoint.getArgvList();
    }
    if (serialized.isEmpty()) {
      return List.of();
    }
    try {
      return CommandEntrypoint.parseFrom(serialized).getArgvList();
    } catch (InvalidProtocolBufferException e) {
      throw new ValidationException("serialized_entrypoint is not a serialized CommandEntrypoint");
    }
  }

  /** {@code count} GPUs of {@code variant} (empty: any variant). */
  public static DeviceConfig gpus(int count, String variant) {
    return DeviceConfig.newBuilder().setGpu(GpuDevice.newBuilder().setCount(count).setVariant(variant)).build();
  }

  /** How many GPUs {@code device} has; 0 when it names none. */
  public static int gpuCount(DeviceConfig device) {
    return device.hasGpu() ? device.getGpu().getCount() : 0;
  }

  /** The GPU variant of {@code device}; empty when it names none. */
  public static String gpuVariant(DeviceConfig device) {
    return device.hasGpu() ? device.getGpu().getVariant() : "";
  }
}
