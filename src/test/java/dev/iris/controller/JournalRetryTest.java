package dev.iris.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iris.controller.journal.FaultyChannel;
import dev.iris.controller.journal.JournalOptions;
import dev.iris.controller.journal.StateDirException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The probe of a failed journal's directory, and the reason a failure is given in. */
class JournalRetryTest {
  @TempDir
  Path dir;

  @Test
  void theProbeWritesForcesAndDeletesItsFileThroughTheJournalsOpener() throws IOException {
    FaultyChannel.Disk disk = new FaultyChannel.Disk();
    JournalOptions options = JournalOptions.defaults().withOpener(disk);

    JournalRetry.probe(dir, options);

    assertThat(disk.forces.get()).isEqualTo(1);
    assertThat(Long.MAX_VALUE - disk.bytesLeft.get()).as("as much as the writer's next step of zeros")
        .isEqualTo(options.preallocateBytes());
    try (var files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
    disk.bytesLeft.set(4_096); // less than a probe
    assertThatThrownBy(() -> JournalRetry.probe(dir, options)).hasMessage("No space left on device");
    disk.bytesLeft.set(Long.MAX_VALUE);
    disk.failForce = true;
    assertThatThrownBy(() -> JournalRetry.probe(dir, options)).hasMessage("Input/output error");
    try (var files = Files.list(dir)) {
      assertThat(files).as("deleted when it failed too").isEmpty();
    }
  }

  @Test
  void aFailureIsGivenInTheOsReasonAtItsRoot() {
    assertThat(JournalRetry.reason(new StateDirException("cannot write to the journal in /s: journal write failed",
        new RuntimeException("journal write failed", new IOException("No space left on device")))))
        .isEqualTo("No space left on device");
    assertThat(JournalRetry.reason(new AccessDeniedException("/s/journal/x"))).isEqualTo("permission denied");
    assertThat(JournalRetry.reason(new IllegalStateException("the journal holds a snapshot")))
        .isEqualTo("the journal holds a snapshot");
  }
}
