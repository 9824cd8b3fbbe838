package dev.iris.common;

import java.net.InetAddress;
import java.net.UnknownHostException;

import io.vertx.core.net.SocketAddress;
import java.util.Objects;

/**
 * A network address as {@code host:port}, e.g. {@code localhost:10000}, {@code 10.0.0.5:10001} or
 * {@code [::1]:10000} (IPv6 in brackets). The one parser of such addresses: the command line, the client,
 * and the links to controllers and workers all read them here.
 *
 * @param host a host name or IP address, without brackets
 * @param port 1..65535
 */
public record HostPort(String host, int port) {
  /** The lowest and highest valid TCP port. */
  public static final int MIN_PORT = 1;
  public static final int MAX_PORT = 65535;
  /** A TCP port has at most this many digits. */
  private static final int MAX_PORT_DIGITS = 5;

  public HostPort {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException("empty host");
    }
    if (port < MIN_PORT || port > MAX_PORT) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
  }

  /**
   * Parses {@code host:port}; surrounding whitespace is ignored, an IPv6 host must be in brackets.
   *
   * @throws IllegalArgumentException when the host is empty or has whitespace, the port is missing, not a
   *     number, or outside 1..65535; the one-line message quotes {@code text} and says what is wrong
   */
  public static HostPort parse(String text) {
    String trimmed = text == null ? "" : text.strip();
    String host;
    String port;
    if (trimmed.startsWith("[")) {
      int close = trimmed.indexOf(']');
      if (close < 0 || close + 1 >= trimmed.length() || trimmed.charAt(close + 1) != ':') {
        throw notAnAddress(text);
      }
      host = trimmed.substring(1, close);
      port = trimmed.substring(close + 2);
    } else {
      int colon = trimmed.lastIndexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException(
            quote(text) + " has no port; write HOST:PORT (example: localhost:10000)");
      }
      host = trimmed.substring(0, colon);
      port = trimmed.substring(colon + 1);
      if (host.contains(":")) {
        throw new IllegalArgumentException(
            quote(text) + " looks like an IPv6 address; put it in brackets, as in [::1]:10000");
      }
    }
    if (host.isEmpty() || host.chars().anyMatch(Character::isWhitespace)) {
      throw notAnAddress(text);
    }
    return new HostPort(host, parsePort(text, port));
  }

  /** The address to connect to. */
  public SocketAddress toSocketAddress() {
    return SocketAddress.inetSocketAddress(port, host);
  }

  private static int parsePort(String text, String port) {
    if (port.isEmpty() || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException(quote(text) + " has port " + quote(port) + ", which is not a number");
    }
    int value = port.length() > MAX_PORT_DIGITS ? Integer.MAX_VALUE : Integer.parseInt(port);
    if (value < MIN_PORT || value > MAX_PORT) {
      throw new IllegalArgumentException(
          quote(text) + " has port " + port + "; a port must be " + MIN_PORT + ".." + MAX_PORT);
    }
    return value;
  }

  private static IllegalArgumentException notAnAddress(String text) {
    return new IllegalArgumentException(
        quote(text) + " is not HOST:PORT (examples: localhost:10000, [::1]:10000)");
  }

  private static String quote(String text) {
    return "'" + text + "'";
  }

  /** {@code host:port}, with brackets around an IPv6 host. */
  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  /** Whether {@code host} names a loopback address (a name that does not resolve does not). */
  public static boolean isLoopback(String host) {
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    try {
      for (InetAddress a : InetAddress.getAllByName(h)) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
