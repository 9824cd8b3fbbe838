package dev.iris.worker.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A worker's id file, on real files: made once, read back on every later start, refused when malformed. */
class WorkerIdFileTest {
  @TempDir Path dir;

  @Test
  void theFirstStartMakesTheIdAndLaterStartsReadItBack() throws Exception {
    Path workDir = dir.resolve("not/yet/there");
    AtomicInteger made = new AtomicInteger();

    WorkerIdFile.KeptId first = WorkerIdFile.loadOrCreate(workDir, () -> "node-1-" + made.incrementAndGet());
    WorkerIdFile.KeptId second = WorkerIdFile.loadOrCreate(workDir, () -> "node-1-" + made.incrementAndGet());

    assertThat(first).isEqualTo(new WorkerIdFile.KeptId("node-1-1", true));
    assertThat(second).isEqualTo(new WorkerIdFile.KeptId("node-1-1", false));
    assertThat(made).hasValue(1);
    assertThat(Files.readString(workDir.resolve("worker-id"))).isEqualTo("node-1-1\n");
    try (var files = Files.list(workDir)) {
      assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("worker-id"); // no temp file left
    }
  }

  @Test
  void anIdWrittenByHandIsTakenWithoutSurroundingWhiteSpace() throws Exception {
    Files.writeString(dir.resolve("worker-id"), "  gpu-box-7.rack:2 \r\n\n");

    assertThat(WorkerIdFile.loadOrCreate(dir, () -> "unused")).isEqualTo(new WorkerIdFile.KeptId("gpu-box-7.rack:2", false));
    assertThat(WorkerIdFile.read(dir.resolve("worker-id"))).isEqualTo("gpu-box-7.rack:2");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"", " \n", "w1\nw2\n", "-w1", "w 1", "w/1", "w\u00e9"})
  void aMalformedFileIsAnErrorNamingIt(String content) throws Exception {
    Path file = dir.resolve("worker-id");
    Files.writeString(file, content);

    assertThatThrownBy(() -> WorkerIdFile.loadOrCreate(dir, () -> "unused"))
        .isInstanceOf(WorkerIdFile.MalformedException.class)
        .hasMessageStartingWith("worker id file " + file + " is malformed: ")
        .hasMessageEndingWith("; correct it, or delete it to have a new id made")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    assertThat(Files.readString(file)).as("left as it was").isEqualTo(content);
  }

  @Test
  void theMessagesSayWhatIsWrong() throws Exception {
    Path file = dir.resolve("worker-id");
    for (var c : List.of(
        List.of("", "it is empty"),
        List.of("a\nb", "it has more than one line"),
        List.of("w 1", "'w 1' is not a worker id (1-128 letters, digits or . _ : -, starting with a letter or digit)"),
        List.of("w".repeat(129), "is not a worker id"))) {
      Files.writeString(file, c.get(0));
      assertThatThrownBy(() -> WorkerIdFile.read(file)).hasMessageContaining(c.get(1));
    }
    Files.write(file, new byte[] {'w', (byte) 0xff, '\n'});
    assertThatThrownBy(() -> WorkerIdFile.read(file)).hasMessage("worker id file " + file
        + " is malformed: it is not UTF-8 text; correct it, or delete it to have a new id made");
  }

  @Test
  void noFileIsNoSuchFile() {
    assertThatThrownBy(() -> WorkerIdFile.read(dir.resolve("worker-id"))).isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void aFreshIdTheControllerWouldRefuseIsABug() {
    assertThatThrownBy(() -> WorkerIdFile.loadOrCreate(dir, () -> "no spaces")).isInstanceOf(IllegalArgumentException.class);
    assertThat(dir.resolve("worker-id")).doesNotExist();
  }

  @Test
  void startsRacingOnOneDirectoryAgreeOnOneId() throws Exception {
    for (int round = 0; round < 20; round++) {
      Path workDir = dir.resolve("race-" + round);
      CountDownLatch go = new CountDownLatch(1);
      List<CompletableFuture<String>> starts = IntStream.range(0, 4).mapToObj(i -> CompletableFuture.supplyAsync(() -> {
        try {
          go.await();
          return WorkerIdFile.loadOrCreate(workDir, () -> "w-" + i).id();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      })).toList();
      go.countDown();
      List<String> ids = starts.stream().map(CompletableFuture::join).distinct().toList();
      assertThat(ids).hasSize(1);
      assertThat(Files.readString(workDir.resolve("worker-id"), StandardCharsets.UTF_8)).isEqualTo(ids.get(0) + "\n");
    }
  }
}
