package dev.iris.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iris.common.Tls;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code IrisClient.remote(address)} picks the CA up from {@code IRIS_TLS_CA}; a bad file is named in one line. */
class RemoteOptionsTest {
  @Test
  void theEnvironmentNamesTheCa() {
    assertThat(RemoteOptions.fromEnvironment(Map.of("IRIS_TLS_CA", "/etc/iris/ca.pem")).tlsCa())
        .contains(Path.of("/etc/iris/ca.pem"));
  }

  @Test
  void withoutTheVariableOrWithABlankOneItIsPlaintext() {
    assertThat(RemoteOptions.fromEnvironment(Map.of()).tls()).isEqualTo(Tls.NONE);
    assertThat(RemoteOptions.fromEnvironment(Map.of("IRIS_TLS_CA", " ")).tlsCa()).isEmpty();
  }

  @Test
  void aMissingCaIsNamedWithWhereItCameFrom(@TempDir Path dir) {
    Path missing = dir.resolve("ca.pem");
    assertThatThrownBy(() -> RemoteOptions.fromEnvironment(Map.of("IRIS_TLS_CA", missing.toString())).tls())
        .isInstanceOf(IrisException.class).hasMessage("IRIS_TLS_CA " + missing + ": no such file");
    assertThatThrownBy(() -> RemoteOptions.plaintext().withTlsCa(missing).tls())
        .hasMessage("TLS CA " + missing + ": no such file");
  }
}
