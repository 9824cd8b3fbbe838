package dev.iris.cli.parse;

import static dev.iris.cli.parse.InvalidValueException.quote;

import dev.iris.common.HostPort;

/**
 * An inclusive range of TCP ports written {@code FROM-TO}, e.g. {@code 30000-34999}.
 *
 * @param from the first port, 1..65535
 * @param to the last port, {@code from}..65535
 */
public record PortRange(int from, int to) {
  public PortRange {
    if (from < HostPort.MIN_PORT || to > HostPort.MAX_PORT || from > to) {
      throw new IllegalArgumentException("invalid port range " + from + "-" + to);
    }
  }

  /**
   * Parses {@code FROM-TO}.
   *
   * @throws InvalidValueException when either end is not a port 1..65535 or FROM is above TO
   */
  public static PortRange parse(String text) {
    String trimmed = text == null ? "" : text.strip();
    int dash = trimmed.indexOf('-');
    if (dash < 0) {
      throw new InvalidValueException(quote(String.valueOf(text)) + " is not FROM-TO (example: 30000-34999)");
    }
    int from = port(text, trimmed.substring(0, dash).strip());
    int to = port(text, trimmed.substring(dash + 1).strip());
    if (from > to) {
      throw new InvalidValueException(quote(text) + " starts above its end; write FROM-TO with FROM <= TO");
    }
    return new PortRange(from, to);
  }

  private static int port(String text, String port) {
    if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new InvalidValueException(quote(text) + " is not FROM-TO with ports "
          + HostPort.MIN_PORT + ".." + HostPort.MAX_PORT + " (example: 30000-34999)");
    }
    int value = Integer.parseInt(port);
    if (value < HostPort.MIN_PORT || value > HostPort.MAX_PORT) {
      throw new InvalidValueException(quote(text) + " has port " + value + "; a port must be "
          + HostPort.MIN_PORT + ".." + HostPort.MAX_PORT);
    }
    return value;
  }

  @Override
  public String toString() {
    return from + "-" + to;
  }
}
