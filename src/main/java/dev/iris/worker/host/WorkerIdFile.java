package dev.iris.worker.host;

import dev.iris.core.Quoted;
import dev.iris.core.WorkerIds;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Supplier;

/**
 * The id a worker keeps in its work directory when it is given none: {@code <work dir>/worker-id}, one line.
 * The first start makes it (this machine's host name and a random suffix, see {@code WorkerConfig.newWorkerId});
 * every later start on the directory reads it back, so a worker keeps its id across restarts, whatever port it
 * gets, and two workers get different ids even on machines of the same name.
 *
 * <p>The file is written whole or not at all: the id goes to a temporary file in the same directory, which is
 * then linked into place (a link never replaces an existing file, so two starts racing on one directory end up
 * with the same id), or, on a file system without hard links, renamed into place. A file that holds no valid
 * worker id (empty, several lines, characters the controller refuses) is an error naming the file: an operator
 * fixes it or deletes it for a new id.
 */
public final class WorkerIdFile {
  /** The file's name in the work directory. */
  public static final String FILE_NAME = "worker-id";

  /** The id in a work directory, and whether this start made it. */
  public record KeptId(String id, boolean created) {}

  /** The file holds no valid worker id. */
  public static final class MalformedException extends IOException {
    private static final long serialVersionUID = 1L;

    MalformedException(String message) {
      super(message);
    }
  }

  private WorkerIdFile() {}

  /** The id file of {@code workDir}. */
  public static Path of(Path workDir) {
    return workDir.resolve(FILE_NAME);
  }

  /**
   * The id kept in {@code workDir} (created with its parents when missing), or, when there is none yet, a
   * {@code fresh} one written there first. Blocking.
   *
   * @throws MalformedException when the file exists but holds no valid worker id
   * @throws IOException when the directory or the file cannot be read or written
   */
  public static KeptId loadOrCreate(Path workDir, Supplier<String> fresh) throws IOException {
    Path file = of(workDir);
    try {
      return new KeptId(read(file), false);
    } catch (NoSuchFileException e) {
      // the first start on this directory
    }
    String id = fresh.get();
    if (!WorkerIds.isValid(id)) {
      throw new IllegalArgumentException("not a valid worker id: " + Quoted.of(id));
    }
    Files.createDirectories(workDir);
    Path temp = Files.createTempFile(workDir, FILE_NAME + ".", ".tmp");
    try {
      Files.writeString(temp, id + "\n", StandardCharsets.UTF_8);
      try (var channel = java.nio.channels.FileChannel.open(temp, java.nio.file.StandardOpenOption.WRITE)) {
        channel.force(true); // the link below must never name an empty file after a crash
      }
      if (!publish(temp, file)) {
        return new KeptId(read(file), false); // another start on this directory made it meanwhile: theirs holds
      }
    } finally {
      Files.deleteIfExists(temp);
    }
    return new KeptId(id, true);
  }

  /** Puts {@code temp} in place as {@code file}; false when a {@code file} was there first. */
  private static boolean publish(Path temp, Path file) throws IOException {
    try {
      Files.createLink(file, temp);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (UnsupportedOperationException | IOException e) {
      if (Files.exists(file)) {
        return false;
      }
      // no hard links here: a rename is atomic too, but it would replace a file made in between
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
      return true;
    }
  }

  /**
   * The worker id in {@code file}: its one line, without surrounding white space.
   *
   * @throws NoSuchFileException when there is no such file
   * @throws MalformedException when it holds no valid worker id
   */
  public static String read(Path file) throws IOException {
    String text;
    try {
      byte[] bytes = Files.readAllBytes(file);
      text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw malformed(file, "it is not UTF-8 text");
    }
    String id = text.strip();
    if (id.isEmpty()) {
      throw malformed(file, "it is empty");
    }
    if (id.lines().count() > 1) {
      throw malformed(file, "it has more than one line");
    }
    if (!WorkerIds.isValid(id)) {
      throw malformed(file, Quoted.of(id) + " is not a worker id (" + WorkerIds.RULE + ")");
    }
    return id;
  }

  private static MalformedException malformed(Path file, String why) {
    return new MalformedException("worker id file " + file + " is malformed: " + why
        + "; correct it, or delete it to have a new id made");
  }
}
