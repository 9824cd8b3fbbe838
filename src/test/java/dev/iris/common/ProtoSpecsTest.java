package dev.iris.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iris.core.Constraint;
import dev.iris.core.ConstraintOp;
import dev.iris.core.Resources;
import dev.iris.core.ValidationException;
import dev.iris.rpc.DeviceConfig;
import dev.iris.rpc.ResourceSpecProto;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** The one mapping of constraints and resources, checked for every operator both ways. */
class ProtoSpecsTest {

  @ParameterizedTest(name = "{0} <-> {1}")
  @CsvSource({
    "EQ,         CONSTRAINT_OP_EQ",
    "NE,         CONSTRAINT_OP_NE",
    "EXISTS,     CONSTRAINT_OP_EXISTS",
    "NOT_EXISTS, CONSTRAINT_OP_NOT_EXISTS",
    "GT,         CONSTRAINT_OP_GT",
    "GE,         CONSTRAINT_OP_GE",
    "LT,         CONSTRAINT_OP_LT",
    "LE,         CONSTRAINT_OP_LE",
    "IN,         CONSTRAINT_OP_IN",
  })
  void operatorsMapOneToOne(ConstraintOp domain, dev.iris.rpc.ConstraintOp proto) {
    assertThat(ProtoSpecs.toProto(domain)).isEqualTo(proto);
    assertThat(ProtoSpecs.toDomain(proto)).contains(domain);
  }

  @ParameterizedTest
  @EnumSource(dev.iris.rpc.ConstraintOp.class)
  void everyContractOperatorIsMappedOrIsNoOperator(dev.iris.rpc.ConstraintOp proto) {
    boolean none = proto == dev.iris.rpc.ConstraintOp.CONSTRAINT_OP_UNSPECIFIED
        || proto == dev.iris.rpc.ConstraintOp.UNRECOGNIZED;
    assertThat(ProtoSpecs.toDomain(proto).isEmpty()).isEqualTo(none);
    ProtoSpecs.toDomain(proto).ifPresent(d -> assertThat(ProtoSpecs.toProto(d)).isEqualTo(proto));
  }

  @Test
  void constraintsSurviveTheRoundTrip() {
    for (Constraint c : List.of(Constraint.of("zone", ConstraintOp.EQ, "us"),
        Constraint.of("spot", ConstraintOp.NOT_EXISTS, ""), Constraint.of("cores", ConstraintOp.GE, "8"),
        new Constraint("rack", ConstraintOp.IN, "", List.of("a", "b")))) {
      assertThat(ProtoSpecs.toDomain(ProtoSpecs.toProto(c))).isEqualTo(c);
    }
  }

  @Test
  void aConstraintWithoutOperatorIsRefusedByKey() {
    assertThatThrownBy(() -> ProtoSpecs.toDomain(dev.iris.rpc.Constraint.newBuilder().setKey("zone").build()))
        .isInstanceOf(ValidationException.class).hasMessage("constraint on 'zone' has no operator");
  }

  @Test
  void aConstraintWithAnOperatorThisBuildDoesNotKnowIsRefusedByNumber() {
    assertThatThrownBy(() -> ProtoSpecs.toDomain(dev.iris.rpc.Constraint.newBuilder().setKey("zone").setOpValue(999)
        .build())).isInstanceOf(ValidationException.class)
        .hasMessage("constraint on 'zone' has operator 999, not one this server knows");
  }

  @Test
  void resourcesSurviveTheRoundTripWithTheirReplicaCount() {
    Resources withGpus = new Resources(4, 1L << 30, 1L << 32, 2, "a100");
    ResourceSpecProto proto = ProtoSpecs.toProto(withGpus, 3);
    assertThat(proto.getReplicas()).isEqualTo(3);
    assertThat(proto.getDevice().getGpu().getCount()).isEqualTo(2);
    assertThat(ProtoSpecs.toDomain(proto)).isEqualTo(withGpus);
    Resources cpuOnly = Resources.of(1, 1L << 20);
    assertThat(ProtoSpecs.toProto(cpuOnly, 1).hasDevice()).isFalse();
    assertThat(ProtoSpecs.toDomain(ProtoSpecs.toProto(cpuOnly, 1))).isEqualTo(cpuOnly);
  }

  @Test
  void aDeviceWithoutGpusHasNone() {
    assertThat(ProtoSpecs.gpuCount(DeviceConfig.getDefaultInstance())).isZero();
    assertThat(ProtoSpecs.gpuVariant(DeviceConfig.getDefaultInstance())).isEmpty();
    DeviceConfig two = ProtoSpecs.gpus(2, "h100");
    assertThat(ProtoSpecs.gpuCount(two)).isEqualTo(2);
    assertThat(ProtoSpecs.gpuVariant(two)).isEqualTo("h100");
  }
}
