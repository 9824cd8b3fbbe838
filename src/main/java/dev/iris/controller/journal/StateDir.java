package dev.iris.controller.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The controller's state directory, held exclusively while open. {@link #open} creates it (mode 0700) when
 * missing, takes an exclusive lock on its {@code LOCK} file (a second opener, in this process or another,
 * fails at once naming the holder's pid), checks that files can be created in it, and reads its {@code
 * FORMAT} file (writing it in a new directory): a version other than {@link #FORMAT_VERSION} refuses. The
 * journal lives in {@link #journalDir()}. {@link #close} releases the lock; the lock also dies with the
 * process, so a killed controller never leaves the directory locked.
 */
public final class StateDir implements AutoCloseable {
  /** The layout this build reads and writes. */
  public static final int FORMAT_VERSION = 1;
  static final String LOCK_FILE = "LOCK";
  static final String FORMAT_FILE = "FORMAT";
  private static final String FORMAT_PREFIX = "iris-state-format ";
  private static final String JOURNAL = "journal";

  private final Path dir;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private StateDir(Path dir, FileChannel lockChannel, FileLock lock) {
    this.dir = dir;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /** Opens (creating if missing) and locks the state directory at {@code path}. */
  public static StateDir open(Path path) throws StateDirException {
    Path dir = path.toAbsolutePath().normalize();
    createIfMissing(dir);
    FileChannel channel = openLockFile(dir);
    try {
      FileLock lock = lock(dir, channel);
      StateDir opened = new StateDir(dir, channel, lock);
      try {
        opened.recordHolder();
        opened.checkWritable();
        opened.checkFormat();
        createIfMissing(opened.journalDir());
        return opened;
      } catch (StateDirException | RuntimeException e) {
        opened.close();
        throw e;
      }
    } catch (StateDirException | RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  public Path path() {
    return dir;
  }

  /** Where the journal's segments and snapshots live. */
  public Path journalDir() {
    return dir.resolve(JOURNAL);
  }

  /** Releases the lock. */
  @Override
  public void close() {
    try {
      if (lock.isValid()) {
        lock.release();
      }
    } catch (IOException ignored) {
      // the channel's close below releases it as well
    }
    closeQuietly(lockChannel);
  }

  private static void createIfMissing(Path dir) throws StateDirException {
    if (Files.isDirectory(dir)) {
      return;
    }
    if (Files.exists(dir)) {
      throw new StateDirException("state directory " + dir + " is not a directory");
    }
    try {
      if (dir.getParent() != null) {
        Files.createDirectories(dir.getParent());
      }
      if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } else {
        Files.createDirectory(dir);
      }
    } catch (FileAlreadyExistsException raced) {
      // created meanwhile: the lock decides who uses it
    } catch (IOException e) {
      throw new StateDirException("cannot create state directory " + dir + ": " + describe(e), e);
    }
  }

  private static FileChannel openLockFile(Path dir) throws StateDirException {
    try {
      return FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new StateDirException("state directory " + dir + " is not writable: " + describe(e), e);
    }
  }

  private static FileLock lock(Path dir, FileChannel channel) throws StateDirException {
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      throw new StateDirException("state directory " + dir + " is already open in this process (pid "
          + ProcessHandle.current().pid() + ")");
    } catch (IOException e) {
      throw new StateDirException("cannot lock state directory " + dir + ": " + describe(e), e);
    }
    if (lock == null) {
      String holder = readHolder(channel);
      throw new StateDirException("state directory " + dir + " is in use by another process"
          + (holder.isEmpty() ? "" : " (pid " + holder + ")") + ": is another controller running on it?");
    }
    return lock;
  }

  private static String readHolder(FileChannel channel) {
    try {
      ByteBuffer buf = ByteBuffer.allocate(32);
      channel.read(buf, 0);
      String text = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).trim();
      return text.matches("\\d{1,19}") ? text : "";
    } catch (IOException e) {
      return "";
    }
  }

  /** Writes this process's pid into the lock file, for the error a second opener prints. */
  private void recordHolder() throws StateDirException {
    try {
      lockChannel.truncate(0);
      Segments.writeFully(lockChannel,
          ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
      lockChannel.force(false);
    } catch (IOException e) {
      throw new StateDirException("state directory " + dir + " is not writable: " + describe(e), e);
    }
  }

  /** The lock file may be writable where new files are not (an immutable or read-only directory). */
  private void checkWritable() throws StateDirException {
    Path probe = dir.resolve(".probe-" + ProcessHandle.current().pid() + Segments.TEMP_SUFFIX);
    try {
      Files.deleteIfExists(probe);
      Files.createFile(probe);
      Files.delete(probe);
    } catch (IOException e) {
      throw new StateDirException("state directory " + dir + " is not writable: " + describe(e), e);
    }
  }

  private void checkFormat() throws StateDirException {
    Path format = dir.resolve(FORMAT_FILE);
    if (!Files.exists(format)) {
      refuseIfForeign();
      writeFormat(format);
      return;
    }
    String text;
    try {
      text = Files.readString(format, StandardCharsets.US_ASCII).trim();
    } catch (IOException e) {
      throw new StateDirException("cannot read " + format + ": " + describe(e), e);
    }
    int found;
    try {
      found = text.startsWith(FORMAT_PREFIX) ? Integer.parseInt(text.substring(FORMAT_PREFIX.length()).trim()) : -1;
    } catch (NumberFormatException e) {
      found = -1;
    }
    if (found < 0) {
      throw new StateDirException("state directory " + dir + " has an unreadable FORMAT file ('"
          + abbreviate(text) + "'); this build reads format version " + FORMAT_VERSION);
    }
    if (found != FORMAT_VERSION) {
      throw new StateDirException("state directory " + dir + " has format version " + found
          + "; this build reads format version " + FORMAT_VERSION
          + (found > FORMAT_VERSION ? " (written by a newer Iris: run that one, or use another directory)" : ""));
    }
  }

  /** A directory with files but no FORMAT is not one of ours: never write a journal into it. */
  private void refuseIfForeign() throws StateDirException {
    List<String> others;
    try (Stream<Path> files = Files.list(dir)) {
      others = files.map(p -> p.getFileName().toString())
          .filter(n -> !n.equals(LOCK_FILE) && !n.equals(JOURNAL) && !n.endsWith(Segments.TEMP_SUFFIX))
          .sorted().limit(3).toList();
    } catch (IOException e) {
      throw new StateDirException("cannot list state directory " + dir + ": " + describe(e), e);
    }
    boolean journalFiles = Files.isDirectory(journalDir()) && !isEmpty(journalDir());
    if (!others.isEmpty() || journalFiles) {
      throw new StateDirException("state directory " + dir + " has no FORMAT file but holds "
          + (others.isEmpty() ? "journal files" : "other files (" + String.join(", ", others) + ")")
          + ": not an Iris state directory; use an empty or new directory");
    }
  }

  private boolean isEmpty(Path d) throws StateDirException {
    try (Stream<Path> files = Files.list(d)) {
      return files.findAny().isEmpty();
    } catch (IOException e) {
      throw new StateDirException("cannot list " + d + ": " + describe(e), e);
    }
  }

  private void writeFormat(Path format) throws StateDirException {
    Path temp = dir.resolve(FORMAT_FILE + Segments.TEMP_SUFFIX);
    try (FileChannel ch = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING))) {
      Segments.writeFully(ch, ByteBuffer.wrap((FORMAT_PREFIX + FORMAT_VERSION + "\n")
          .getBytes(StandardCharsets.US_ASCII)));
      ch.force(true);
    } catch (IOException e) {
      throw new StateDirException("state directory " + dir + " is not writable: " + describe(e), e);
    }
    try {
      Files.move(temp, format, StandardCopyOption.ATOMIC_MOVE);
      Segments.syncDirectory(dir);
    } catch (IOException e) {
      throw new StateDirException("cannot write " + format + ": " + describe(e), e);
    }
  }

  /** An I/O error in a few words: its kind and, for a file-system error, the reason the OS gave. */
  public static String describe(IOException e) {
    if (e instanceof java.nio.file.FileSystemException fse) {
      String reason = fse.getReason();
      String kind = e instanceof java.nio.file.AccessDeniedException ? "permission denied" : null;
      return reason != null ? reason : kind != null ? kind : e.getClass().getSimpleName();
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  private static String abbreviate(String text) {
    String line = text.lines().findFirst().orElse("");
    return line.length() > 40 ? line.substring(0, 40) + "..." : line;
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing more to release
    }
  }
}
