package dev.iris.cli.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iris.core.ConstraintOp;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class ConstraintExprTest {

  static Stream<Arguments> valid() {
    return Stream.of(
        Arguments.of("region=us-east", expr("region", ConstraintOp.EQ, "us-east")),
        Arguments.of("region==us-east", expr("region", ConstraintOp.EQ, "us-east")),
        Arguments.of(" region = us-east ", expr("region", ConstraintOp.EQ, "us-east")),
        Arguments.of("gpu!=a100", expr("gpu", ConstraintOp.NE, "a100")),
        Arguments.of("rack", expr("rack", ConstraintOp.EXISTS, "")),
        Arguments.of("!spot", expr("spot", ConstraintOp.NOT_EXISTS, "")),
        Arguments.of("! spot", expr("spot", ConstraintOp.NOT_EXISTS, "")),
        Arguments.of("cores>3", expr("cores", ConstraintOp.GT, "3")),
        Arguments.of("cores>=3", expr("cores", ConstraintOp.GE, "3")),
        Arguments.of("cores<3", expr("cores", ConstraintOp.LT, "3")),
        Arguments.of("cores<=3.5", expr("cores", ConstraintOp.LE, "3.5")),
        Arguments.of("temp > -10", expr("temp", ConstraintOp.GT, "-10")),
        Arguments.of("zone in a,b,c", in("zone", "a", "b", "c")),
        Arguments.of("zone in (a, b, c)", in("zone", "a", "b", "c")),
        Arguments.of("zone IN a", in("zone", "a")),
        Arguments.of("zone in(a,b)", in("zone", "a", "b")),
        Arguments.of("iris.dev/pool=gpu_1", expr("iris.dev/pool", ConstraintOp.EQ, "gpu_1")),
        Arguments.of("url=http://x?a=b", expr("url", ConstraintOp.EQ, "http://x?a=b")),
        Arguments.of("index", expr("index", ConstraintOp.EXISTS, "")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valid")
  void parsesConstraints(String text, ConstraintExpr expected) {
    assertThat(ConstraintExpr.parse(text)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "region=us-east  | region=us-east",
        "region==us-east | region=us-east",
        "gpu != a100     | gpu!=a100",
        "!spot           | !spot",
        "cores >= 8      | cores>=8",
        "zone in (a, b)  | zone in a,b",
      })
  void rendersCanonicalSyntax(String text, String canonical) {
    assertThat(ConstraintExpr.parse(text).toString()).isEqualTo(canonical);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "''              | an empty constraint",
        "region=         | 'region=' has no value after '='",
        "region!=        | has no value after '!='",
        "cores>abc       | 'cores>abc' compares with 'abc', which is not a number",
        "cores<=         | has no value after '<='",
        "!               | '!' has no attribute key",
        "=value          | is not an attribute key",
        "'bad key'       | 'bad key' is not an attribute key",
        "zone in         | 'zone in' has no values after 'in'",
        "zone in ()      | has no values after 'in'",
        "zone in a,,b    | has an empty item in its list",
        "zone in (a,b    | has unbalanced parentheses",
        "z@ne=a          | 'z@ne' is not an attribute key",
        "!-x y           | is not an attribute key",
      })
  void rejectsMalformedConstraints(String text, String message) {
    assertThatThrownBy(() -> ConstraintExpr.parse(text))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageContaining(message);
  }

  private static ConstraintExpr expr(String key, ConstraintOp op, String value) {
    return new ConstraintExpr(key, op, value, List.of());
  }

  private static ConstraintExpr in(String key, String... values) {
    return new ConstraintExpr(key, ConstraintOp.IN, "", List.of(values));
  }
}
