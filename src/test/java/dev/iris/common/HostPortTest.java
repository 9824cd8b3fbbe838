package dev.iris.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.net.SocketAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one {@code host:port} parser: names, IPv4 and bracketed IPv6, and a precise message for each mistake. */
class HostPortTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {"localhost:10000 | localhost | 10000", "[::1]:8080 | ::1 | 8080"})
  void connectsToTheHostWithoutBrackets(String text, String host, int port) {
    SocketAddress address = HostPort.parse(text).toSocketAddress();
    assertThat(address.host()).isEqualTo(host);
    assertThat(address.port()).isEqualTo(port);
  }

  @ParameterizedTest(name = "{0} -> {1} {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "localhost:10000    | localhost   | 10000 | localhost:10000",
        "10.0.0.5:1         | 10.0.0.5    | 1     | 10.0.0.5:1",
        "host.example:65535 | host.example| 65535 | host.example:65535",
        "[::1]:10000        | ::1         | 10000 | [::1]:10000",
        "[2001:db8::7]:443  | 2001:db8::7 | 443   | [2001:db8::7]:443",
        "' [fe80::1]:80 '   | fe80::1     | 80    | [fe80::1]:80",
        "[10.0.0.5]:7       | 10.0.0.5    | 7     | 10.0.0.5:7",
        "' ctl:8080 '       | ctl         | 8080  | ctl:8080",
      })
  void parsesAddresses(String text, String host, int port, String shown) {
    HostPort address = HostPort.parse(text);
    assertThat(address).isEqualTo(new HostPort(host, port));
    assertThat(address.toString()).isEqualTo(shown);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "localhost        | 'localhost' has no port",
        "localhost:       | has port '', which is not a number",
        "localhost:http   | has port 'http', which is not a number",
        "localhost:0      | has port 0; a port must be 1..65535",
        "localhost:65536  | has port 65536; a port must be 1..65535",
        "localhost:999999999999 | a port must be 1..65535",
        "localhost:-1     | has port '-1', which is not a number",
        ":10000           | ':10000' is not HOST:PORT",
        "::1:10000        | looks like an IPv6 address; put it in brackets",
        "[::1]10000       | '[::1]10000' is not HOST:PORT",
        "[::1]            | '[::1]' is not HOST:PORT",
        "[::1             | '[::1' is not HOST:PORT",
        "[]:80            | '[]:80' is not HOST:PORT",
        "[::1]:           | has port '', which is not a number",
        "[::1]:70000      | has port 70000; a port must be 1..65535",
        "2001:db8::7:443  | looks like an IPv6 address; put it in brackets",
        "'my host:1'      | 'my host:1' is not HOST:PORT",
        "''               | '' has no port",
      })
  void rejectsMalformedAddresses(String text, String message) {
    assertThatThrownBy(() -> HostPort.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
