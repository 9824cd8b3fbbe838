package dev.iris.worker.host;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exclusive ownership of a work directory: an OS lock ({@code fcntl}, through {@link FileChannel#tryLock()})
 * on {@code <work dir>/worker.lock}, whose content names the holder ({@code <pid> worker} or
 * {@code <pid> cleanup}). A worker holds it for its whole life; the leftover cleanup that runs after a
 * worker died ({@link LeftoverCleanup}) holds it while it works, so the two never touch one work dir at
 * once. The kernel releases the lock when its process dies, however it dies.
 *
 * <p>OS locks belong to a process, and closing any channel of the file drops every lock this JVM holds
 * on it. So a second claim from this JVM (two workers of one JVM on one directory) is refused by the
 * JVM-wide set of held paths before the file is even opened: a process-wide fact, hence the static set.
 */
public final class WorkDirLock implements AutoCloseable {
  static final String FILE_NAME = "worker.lock";
  private static final long POLL_MS = 100;
  private static final Map<Path, Occupant> HELD_HERE = new ConcurrentHashMap<>();

  /** Who holds a work directory's lock. */
  public enum Occupant {
    WORKER,
    CLEANUP;

    String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** The holder of a lock someone else has: its pid and role, when its file says so. */
  record Holder(long pid, Optional<Occupant> role) {
    static final Holder UNKNOWN = new Holder(-1, Optional.empty());

    String describe() {
      return pid < 0 ? "pid unknown" : "pid " + pid;
    }
  }

  /** The work directory is locked by another live process (or another worker of this JVM). */
  static final class InUseException extends Exception {
    private final Holder holder;

    InUseException(Path root, Holder holder) {
      super("work dir " + root + " is in use by another worker (" + holder.describe() + ")");
      this.holder = holder;
    }

    Holder holder() {
      return holder;
    }
  }

  private final Path path;
  private final Path root;
  private final FileChannel channel;
  private final FileLock lock;

  private WorkDirLock(Path root, Path path, FileChannel channel, FileLock lock) {
    this.root = root;
    this.path = path;
    this.channel = channel;
    this.lock = lock;
  }

  /** The lock file of a work directory. */
  static Path file(Path root) {
    return root.resolve(FILE_NAME);
  }

  /**
   * Takes the lock of {@code root} (which must exist) as {@code role}, retrying for up to {@code patience}
   * while the holder matches {@code waitFor}: a worker waits for a cleanup to finish (it takes seconds),
   * but not for another worker; the cleanup waits for anyone (the dying worker's lock is released by
   * the kernel moments after its pipes close). Blocking.
   *
   * @throws InUseException when the lock is still held once the patience is spent
   */
  public static WorkDirLock acquire(Path root, Occupant role, Duration patience, Set<Occupant> waitFor)
      throws InUseException, InterruptedException {
    Path normalized = root.toAbsolutePath().normalize();
    long deadline = System.nanoTime() + patience.toNanos();
    while (true) {
      Optional<WorkDirLock> taken = tryAcquire(normalized, role);
      if (taken.isPresent()) {
        return taken.get();
      }
      Occupant here = HELD_HERE.get(normalized);
      Holder holder = here != null ? new Holder(ProcessHandle.current().pid(), Optional.of(here)) : readHolder(normalized);
      boolean patient = holder.role().map(waitFor::contains).orElse(waitFor.containsAll(EnumSet.allOf(Occupant.class)));
      if (!patient || System.nanoTime() >= deadline) {
        throw new InUseException(normalized, holder);
      }
      Thread.sleep(POLL_MS);
    }
  }

  private static Optional<WorkDirLock> tryAcquire(Path root, Occupant role) {
    if (HELD_HERE.putIfAbsent(root, role) != null) {
      return Optional.empty();
    }
    Path path = file(root);
    FileChannel channel = null;
    try {
      channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        channel.close(); // holds no lock of this JVM on the file: closing drops nothing
        HELD_HERE.remove(root);
        return Optional.empty();
      }
      channel.truncate(0);
      ByteBuffer text = ByteBuffer.wrap((ProcessHandle.current().pid() + " " + role.word() + "\n")
          .getBytes(StandardCharsets.UTF_8));
      while (text.hasRemaining()) {
        channel.write(text, text.position());
      }
      return Optional.of(new WorkDirLock(root, path, channel, lock));
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel);
      HELD_HERE.remove(root);
      throw e instanceof IOException io ? new UncheckedIOException("cannot lock " + path, io) : (RuntimeException) e;
    }
  }

  /** What the lock file of another process's lock says (it may be mid-write: then retry briefly). */
  private static Holder readHolder(Path root) {
    for (int i = 0; i < 5; i++) {
      try {
        String[] words = Files.readString(file(root), StandardCharsets.UTF_8).trim().split(" ");
        if (words.length == 2) {
          Optional<Occupant> role = java.util.Arrays.stream(Occupant.values()).filter(r -> r.word().equals(words[1])).findFirst();
          return new Holder(Long.parseLong(words[0]), role);
        }
      } catch (IOException | NumberFormatException e) {
        // not written yet (or gone): look again
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return Holder.UNKNOWN;
  }

  /** The locked work directory. */
  Path root() {
    return root;
  }

  /** Empties the file (no stale pid for the next reader) and releases the lock. */
  @Override
  public void close() {
    try {
      channel.truncate(0);
      lock.release();
    } catch (IOException e) {
      // closing the channel below releases the lock anyway
    } finally {
      closeQuietly(channel);
      HELD_HERE.remove(root);
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }

  @Override
  public String toString() {
    return "lock " + path;
  }
}
