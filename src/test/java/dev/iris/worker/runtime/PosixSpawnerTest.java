package dev.iris.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PosixSpawnerTest {
  @ParameterizedTest(name = "wait status {0} -> exit code {1}")
  @CsvSource({
    "0x0000, 0", // exit(0)
    "0x0100, 1", // exit(1)
    "0x0300, 3",
    "0xff00, 255",
    "0x0009, 137", // SIGKILL
    "0x000f, 143", // SIGTERM
    "0x0086, 134", // SIGABRT with a core dump (0x80 flag)
  })
  void exitCodesAreTheJdksOnes(String status, int expected) {
    assertThat(PosixSpawner.exitCode(Integer.decode(status))).isEqualTo(expected);
  }
}
