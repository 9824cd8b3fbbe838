package dev.iris.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Resources arithmetic and fit, human sizes, and the rules of a constraint. */
class ResourcesTest {
  private static final long GIB = 1L << 30;

  @Test
  void fitsIsDimensionWise() {
    Resources free = new Resources(8, 32 * GIB, 100 * GIB, 4, "h100");
    assertThat(free.fits(new Resources(8, 32 * GIB, 100 * GIB, 4, "h100"))).isTrue();
    assertThat(free.fits(Resources.NONE)).isTrue();
    assertThat(free.fits(Resources.of(9, 0))).isFalse();
    assertThat(free.fits(Resources.of(1, 33 * GIB))).isFalse();
    assertThat(free.fits(new Resources(1, 0, 101 * GIB, 0, ""))).isFalse();
    assertThat(free.fits(new Resources(1, 0, 0, 5, ""))).isFalse();
  }

  @Test
  void aGpuVariantMatchesIgnoringCaseAndAnEmptyOneMatchesAny() {
    Resources free = new Resources(8, 0, 0, 4, "H100");
    assertThat(free.fits(new Resources(1, 0, 0, 2, "h100"))).isTrue();
    assertThat(free.fits(new Resources(1, 0, 0, 2, ""))).isTrue();
    assertThat(free.fits(new Resources(1, 0, 0, 2, "a100"))).isFalse();
    assertThat(free.fits(new Resources(1, 0, 0, 0, "a100"))).as("no gpus asked, no variant needed").isTrue();
    assertThat(new Resources(1, 0, 0, 0, null).gpuVariant()).isEmpty();
  }

  @Test
  void shortfallNamesTheFirstDimensionThatDoesNotFit() {
    Resources free = new Resources(8, 32 * GIB, 100 * GIB, 4, "h100");
    assertThat(free.shortfall(Resources.of(8, GIB))).isNull();
    assertThat(free.shortfall(Resources.of(16, 64 * GIB))).isEqualTo("16 cpu");
    assertThat(free.shortfall(Resources.of(1, 64 * GIB))).isEqualTo("64 GiB memory");
    assertThat(free.shortfall(new Resources(1, 0, 200 * GIB, 0, ""))).isEqualTo("200 GiB disk");
    assertThat(free.shortfall(new Resources(1, 0, 0, 8, "h100"))).isEqualTo("8 gpu h100");
    assertThat(free.shortfall(new Resources(1, 0, 0, 8, ""))).isEqualTo("8 gpu");
    assertThat(free.shortfall(new Resources(1, 0, 0, 2, "a100"))).isEqualTo("2 gpu a100");
  }

  @Test
  void plusAndMinus() {
    Resources a = new Resources(4, 8 * GIB, 10 * GIB, 2, "");
    Resources b = new Resources(1, 2 * GIB, 0, 1, "h100");
    assertThat(a.plus(b)).isEqualTo(new Resources(5, 10 * GIB, 10 * GIB, 3, "h100"));
    assertThat(a.plus(b).minus(b)).isEqualTo(new Resources(4, 8 * GIB, 10 * GIB, 2, "h100"));
    assertThatThrownBy(() -> b.minus(a)).as("capacity never goes negative").isInstanceOf(ValidationException.class);
  }

  @Test
  void toStringIsForPeople() {
    assertThat(new Resources(2, 4 * GIB, 0, 1, "h100").toString())
        .isEqualTo("2 cpu, 4 GiB memory, 0 B disk, 1 gpu h100");
    assertThat(Resources.of(1, 512).toString()).isEqualTo("1 cpu, 512 B memory, 0 B disk, 0 gpu");
  }

  @ParameterizedTest
  @CsvSource({
      "0, 0 B", "1023, 1023 B", "1024, 1 KiB", "1536, 1.5 KiB", "1048576, 1 MiB", "1073741824, 1 GiB",
      "1610612736, 1.5 GiB", "1099511627776, 1 TiB", "1125899906842624, 1 PiB", "1152921504606846976, 1024 PiB"})
  void humanSizes(long bytes, String expected) {
    assertThat(Sizes.human(bytes)).isEqualTo(expected);
  }

  @Test
  void humanSizesDoNotDependOnTheLocale() {
    Locale saved = Locale.getDefault();
    try {
      Locale.setDefault(Locale.GERMANY);
      assertThat(Sizes.human(1536)).isEqualTo("1.5 KiB");
    } finally {
      Locale.setDefault(saved);
    }
  }

  // ------------------------------------------------------------------ constraints

  @Test
  void aConstraintNeedsAKeyAnOperatorAndAUsableValue() {
    assertThatThrownBy(() -> Constraint.of(" ", ConstraintOp.EQ, "x")).isInstanceOf(ValidationException.class)
        .hasMessageContaining("key must not be empty");
    assertThatThrownBy(() -> Constraint.of(null, ConstraintOp.EQ, "x")).isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> Constraint.of("zone", null, "x")).isInstanceOf(ValidationException.class)
        .hasMessageContaining("has no operator");
    assertThatThrownBy(() -> Constraint.of("mem", ConstraintOp.GT, "lots")).isInstanceOf(ValidationException.class)
        .hasMessageContaining("needs a number, got 'lots'");
    assertThatThrownBy(() -> Constraint.of("mem", ConstraintOp.LE, "NaN")).isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> Constraint.of("zone", ConstraintOp.IN, "")).isInstanceOf(ValidationException.class)
        .hasMessageContaining("IN needs at least one value");
    assertThat(Constraint.of("zone", ConstraintOp.EXISTS, null).value()).isEmpty();
  }

  @Test
  void constraintsMatchAttributes() {
    Map<String, String> attrs = Map.of("zone", "us-east", "mem", "64");
    assertThat(Constraint.of("zone", ConstraintOp.EQ, "us-east").matches(attrs)).isTrue();
    assertThat(Constraint.of("zone", ConstraintOp.NE, "us-east").matches(attrs)).isFalse();
    assertThat(Constraint.of("gpu", ConstraintOp.NE, "x").matches(attrs)).as("missing fails NE").isFalse();
    assertThat(Constraint.of("gpu", ConstraintOp.NOT_EXISTS, "").matches(attrs)).isTrue();
    assertThat(Constraint.of("mem", ConstraintOp.GE, "64").matches(attrs)).isTrue();
    assertThat(Constraint.of("mem", ConstraintOp.GT, "64").matches(attrs)).isFalse();
    assertThat(Constraint.of("mem", ConstraintOp.LT, "100.5").matches(attrs)).isTrue();
    assertThat(Constraint.of("zone", ConstraintOp.LT, "1").matches(attrs)).as("not a number").isFalse();
    assertThat(new Constraint("zone", ConstraintOp.IN, "", List.of("eu", "us-east")).matches(attrs)).isTrue();
  }

  @Test
  void constraintsPrintCompactly() {
    assertThat(Constraint.of("zone", ConstraintOp.EQ, "a")).hasToString("zone=a");
    assertThat(Constraint.of("zone", ConstraintOp.NE, "a")).hasToString("zone!=a");
    assertThat(Constraint.of("zone", ConstraintOp.EXISTS, "")).hasToString("zone");
    assertThat(Constraint.of("zone", ConstraintOp.NOT_EXISTS, "")).hasToString("!zone");
    assertThat(Constraint.of("mem", ConstraintOp.GE, "8")).hasToString("mem>=8");
    assertThat(new Constraint("zone", ConstraintOp.IN, "", List.of("a", "b"))).hasToString("zone in a,b");
  }
}
