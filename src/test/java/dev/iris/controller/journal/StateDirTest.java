package dev.iris.controller.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state directory: created private, locked against a second controller, versioned, writable or refused. */
class StateDirTest {
  @TempDir
  Path tmp;

  @Test
  void aMissingDirectoryIsCreatedForTheOwnerOnlyWithAFormatFile() throws IOException {
    Path path = tmp.resolve("a/b/state");

    try (StateDir dir = StateDir.open(path)) {
      assertThat(dir.path()).isEqualTo(path);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path))).isEqualTo("rwx------");
      assertThat(Files.readString(path.resolve("FORMAT"))).isEqualTo("iris-state-format 1\n");
      assertThat(dir.journalDir()).isDirectory();
    }
  }

  @Test
  void aSecondOpenFailsAtOnceNamingTheDirectoryAndTheHolderUntilTheFirstCloses() throws IOException {
    Path path = tmp.resolve("state");
    StateDir first = StateDir.open(path);

    assertThatThrownBy(() -> StateDir.open(path)).isInstanceOf(StateDirException.class)
        .hasMessage("state directory " + path + " is already open in this process (pid "
            + ProcessHandle.current().pid() + ")");

    first.close();
    StateDir.open(path).close();
  }

  @Test
  void anotherProcessHoldingTheLockIsNamedByItsPid() throws Exception {
    Path path = tmp.resolve("state");
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", cp,
        LockHolder.class.getName(), path.toString()).redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("locked");

      assertThatThrownBy(() -> StateDir.open(path)).isInstanceOf(StateDirException.class)
          .hasMessage("state directory " + path + " is in use by another process (pid " + holder.pid()
              + "): is another controller running on it?");
    } finally {
      holder.getOutputStream().close(); // the holder exits when its stdin closes
      assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    StateDir.open(path).close(); // the lock died with the process
  }

  /** Opens a state directory, says so, and holds it until its stdin closes. */
  static final class LockHolder {
    public static void main(String[] args) throws Exception {
      try (StateDir dir = StateDir.open(Path.of(args[0]))) {
        System.out.println("locked");
        System.out.flush();
        while (System.in.read() >= 0) {
          // hold
        }
      }
    }
  }

  @Test
  void anUnknownFormatVersionRefusesNamingTheVersionFoundAndTheOneSupported() throws IOException {
    Path path = tmp.resolve("state");
    StateDir.open(path).close();
    Files.writeString(path.resolve("FORMAT"), "iris-state-format 7\n");

    assertThatThrownBy(() -> StateDir.open(path)).isInstanceOf(StateDirException.class)
        .hasMessageStartingWith("state directory " + path + " has format version 7; this build reads format version 1");

    Files.writeString(path.resolve("FORMAT"), "something else");
    assertThatThrownBy(() -> StateDir.open(path)).hasMessage("state directory " + path
        + " has an unreadable FORMAT file ('something else'); this build reads format version 1");
    // a refused open leaves the directory unlocked
    Files.writeString(path.resolve("FORMAT"), "iris-state-format 1\n");
    StateDir.open(path).close();
  }

  @Test
  void aDirectoryWithOtherFilesButNoFormatIsNotTakenOver() throws IOException {
    Path path = Files.createDirectory(tmp.resolve("home"));
    Files.writeString(path.resolve(".bashrc"), "x");

    assertThatThrownBy(() -> StateDir.open(path)).isInstanceOf(StateDirException.class)
        .hasMessage("state directory " + path + " has no FORMAT file but holds other files (.bashrc): "
            + "not an Iris state directory; use an empty or new directory");
    assertThat(path.resolve("FORMAT")).doesNotExist();
  }

  @Test
  void aFileInThePlaceOfTheDirectoryIsNamed() throws IOException {
    Path path = Files.writeString(tmp.resolve("state"), "x");

    assertThatThrownBy(() -> StateDir.open(path)).hasMessage("state directory " + path + " is not a directory");
  }

  @Test
  void anUnwritableDirectoryIsAClearError() throws Exception {
    Path path = tmp.resolve("state");
    StateDir.open(path).close();
    Unwritable.make(path);
    try {
      assertThatThrownBy(() -> StateDir.open(path)).isInstanceOf(StateDirException.class)
          .hasMessageMatching("state directory " + java.util.regex.Pattern.quote(path.toString())
              + " is not writable: .*(Operation not permitted|Permission denied|permission denied).*");
    } finally {
      Unwritable.undo(path);
    }
  }

  @Test
  void aDirectoryThatCannotBeCreatedIsAClearError() throws Exception {
    Path parent = Files.createDirectory(tmp.resolve("locked"));
    Unwritable.make(parent);
    try {
      assertThatThrownBy(() -> StateDir.open(parent.resolve("state"))).isInstanceOf(StateDirException.class)
          .hasMessageStartingWith("cannot create state directory " + parent.resolve("state") + ": ");
    } finally {
      Unwritable.undo(parent);
    }
  }

  /** Makes a directory refuse new files: mode 0500, or (for root, whom modes do not stop) the immutable flag. */
  static final class Unwritable {
    static void make(Path dir) throws Exception {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-x------"));
      if (canCreateIn(dir)) {
        assumeTrue(run(List.of("chattr", "+i", dir.toString())), "root, and no chattr to make a directory unwritable");
      }
      assumeTrue(!canCreateIn(dir), "cannot make a directory unwritable here");
    }

    static void undo(Path dir) throws Exception {
      run(List.of("chattr", "-i", dir.toString()));
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }

    private static boolean canCreateIn(Path dir) {
      try {
        Files.delete(Files.createFile(dir.resolve("probe")));
        return true;
      } catch (IOException e) {
        return false;
      }
    }

    private static boolean run(List<String> command) throws Exception {
      try {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor() == 0;
      } catch (IOException e) {
        return false;
      }
    }
  }
}
