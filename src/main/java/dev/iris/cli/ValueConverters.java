package dev.iris.cli;

import dev.iris.cli.parse.ByteSizes;
import dev.iris.cli.parse.ConstraintExpr;
import dev.iris.cli.parse.Durations;
import dev.iris.cli.parse.InvalidValueException;
import dev.iris.cli.parse.JobStates;
import dev.iris.cli.parse.KeyValue;
import dev.iris.cli.parse.PortRange;
import dev.iris.common.HostPort;
import dev.iris.rpc.JobState;
import java.time.Duration;
import java.util.function.Function;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * picocli converters over the pure parsers of {@link dev.iris.cli.parse}; a rejected value becomes a
 * usage error ({@code invalid value for option '--memory': '2Q' is not a size ...}, exit code 2).
 */
final class ValueConverters {
  private ValueConverters() {}

  /** Sizes in bytes: {@code 2G}, {@code 512M}, {@code 1.5GiB}. */
  static final class Size extends Adapter<Long> {
    Size() {
      super(ByteSizes::parseBytes);
    }
  }

  /** Durations: {@code 30s}, {@code 1h30m}, {@code 250ms}, plain seconds. */
  static final class DurationValue extends Adapter<Duration> {
    DurationValue() {
      super(Durations::parse);
    }
  }

  /** {@code KEY=VALUE} pairs. */
  static final class Pair extends Adapter<KeyValue> {
    Pair() {
      super(KeyValue::parse);
    }
  }

  /** Attribute constraints: {@code region=us}, {@code cores>=8}, {@code zone in a,b}. */
  static final class ConstraintValue extends Adapter<ConstraintExpr> {
    ConstraintValue() {
      super(ConstraintExpr::parse);
    }
  }

  /** {@code HOST:PORT} addresses. */
  static final class Address extends Adapter<HostPort> {
    Address() {
      super(ValueConverters::address);
    }
  }

  /** Reads a {@code HOST:PORT} address; a malformed one is an {@link InvalidValueException} saying why. */
  static HostPort address(String text) {
    try {
      return HostPort.parse(text);
    } catch (IllegalArgumentException e) {
      throw new InvalidValueException(e.getMessage());
    }
  }

  /** Port ranges: {@code 30000-34999}. */
  static final class PortRangeValue extends Adapter<PortRange> {
    PortRangeValue() {
      super(PortRange::parse);
    }
  }

  /** Job states: {@code running}, {@code JOB_STATE_RUNNING}. */
  static final class State extends Adapter<JobState> {
    State() {
      super(JobStates::parse);
    }
  }

  /** Turns a parser's {@link InvalidValueException} into picocli's conversion error. */
  abstract static class Adapter<T> implements ITypeConverter<T> {
    private final Function<String, T> parser;

    Adapter(Function<String, T> parser) {
      this.parser = parser;
    }

    @Override
    public T convert(String value) {
      try {
        return parser.apply(value);
      } catch (InvalidValueException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
