package dev.iris.worker.runtime;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts each process with glibc's {@code posix_spawn} and {@code POSIX_SPAWN_SETSID}, called through JNA:
 * the child is the leader of a new session from its first instruction, without the {@code setsid} exec
 * {@link JdkSpawner} needs (measured: ~0.8 ms less CPU per task, about a fifth of a task's whole cost; see
 * BENCHMARKS.md, scenario 7). Signal mask and dispositions are reset, every descriptor above 2 is closed,
 * standard input is {@code /dev/null}. Arguments and the job's variables are passed in UTF-8 and the JVM's
 * own environment byte for byte ({@link CStrings}), so the worker's locale cannot mangle them.
 *
 * <p>Available on Linux with glibc 2.34 or newer ({@code posix_spawn_file_actions_addclosefrom_np}); elsewhere
 * {@link #load()} is empty and the runtime falls back to {@link JdkSpawner}. Each started process is
 * reaped by a {@code waitpid} on a thread of its own, as the JDK's own process reaper does.
 */
final class PosixSpawner implements Spawner {
  private static final Logger LOG = LoggerFactory.getLogger(PosixSpawner.class);
  private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
  private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
  private static final short POSIX_SPAWN_SETSID = 0x80;
  private static final int O_CLOEXEC = 02000000;
  private static final int O_RDONLY = 0;
  private static final int EINTR = 4;
  // Generous upper bounds of glibc's opaque types on 64-bit Linux (80, 336 and 128 bytes on x86-64).
  private static final int FILE_ACTIONS_BYTES = 256;
  private static final int ATTRIBUTES_BYTES = 1024;
  private static final int SIGSET_BYTES = 256;

  private final ExecutorService reapers;
  private final List<CStrings.Variable> inherited = CStrings.ownEnvironment();
  private final Memory noSignals = new Memory(SIGSET_BYTES); // the same two sets for every spawn
  private final Memory allSignals = new Memory(SIGSET_BYTES);

  private PosixSpawner() {
    LibC.sigemptyset(noSignals);
    LibC.sigfillset(allSignals);
    AtomicInteger counter = new AtomicInteger();
    ThreadFactory threads = runnable -> {
      Thread thread = new Thread(null, runnable, "iris-task-reaper-" + counter.incrementAndGet(), 64 * 1024);
      thread.setDaemon(true);
      return thread;
    };
    this.reapers = Executors.newCachedThreadPool(threads);
  }

  /** A spawner when this platform has what it needs (Linux, glibc 2.34+, JNA loads); otherwise empty. */
  static Optional<Spawner> load() {
    Optional<String> problem = LibC.problem();
    if (problem.isPresent()) {
      LOG.info("posix_spawn is not available ({}); task processes start through setsid", problem.get());
      return Optional.empty();
    }
    return Optional.of(new PosixSpawner());
  }

  @Override
  public boolean newSession() {
    return true;
  }

  @Override
  public void close() {
    reapers.shutdown(); // a running reaper still finishes its waitpid
  }

  @Override
  public Process spawn(Path executable, List<String> argv, Map<String, String> environment, boolean inherit,
      Path directory) throws IOException {
    int pid;
    InputStream stdout;
    InputStream stderr;
    // NUL characters were refused by ProcessTaskRuntime; argv[0] is the resolved path, as JdkSpawner passes it
    try (Memory args = CStrings.of(argv.size(),
            i -> (i == 0 ? executable.toString() : argv.get(i)).getBytes(StandardCharsets.UTF_8));
        Memory env = CStrings.environment(inherit ? inherited : List.of(), environment)) {
      int[] out = pipe();
      int[] err;
      try {
        err = pipe();
      } catch (IOException e) {
        closeAll(out);
        throw e;
      }
      try {
        pid = start(executable, args, env, directory, out[1], err[1]);
        // Opened while this process still holds the write ends, so opening the pipe never waits for a writer.
        stdout = new FileInputStream("/proc/self/fd/" + out[0]);
        stderr = new FileInputStream("/proc/self/fd/" + err[0]);
      } finally {
        closeAll(out);
        closeAll(err);
      }
    }
    SpawnedProcess process = new SpawnedProcess(pid, stdout, stderr);
    reapers.execute(() -> process.exited(reap(pid)));
    return process;
  }

  private int start(Path executable, Pointer args, Pointer env, Path directory, int stdout, int stderr)
      throws IOException {
    try (Memory actions = new Memory(FILE_ACTIONS_BYTES);
        Memory attributes = new Memory(ATTRIBUTES_BYTES)) {
      check(LibC.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
      try {
        check(LibC.posix_spawnattr_init(attributes), "posix_spawnattr_init");
        try {
          check(LibC.posix_spawn_file_actions_addopen(actions, 0, "/dev/null", O_RDONLY, 0), "addopen");
          check(LibC.posix_spawn_file_actions_adddup2(actions, stdout, 1), "adddup2");
          check(LibC.posix_spawn_file_actions_adddup2(actions, stderr, 2), "adddup2");
          check(LibC.posix_spawn_file_actions_addchdir_np(actions, directory.toString()), "addchdir");
          check(LibC.posix_spawn_file_actions_addclosefrom_np(actions, 3), "addclosefrom");
          check(LibC.posix_spawnattr_setsigmask(attributes, noSignals), "setsigmask");
          check(LibC.posix_spawnattr_setsigdefault(attributes, allSignals), "setsigdefault");
          check(LibC.posix_spawnattr_setflags(attributes,
              (short) (POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)), "setflags");
          int[] pid = new int[1];
          int error = LibC.posix_spawn(pid, executable.toString(), actions, attributes, args, env);
          if (error != 0) {
            throw new IOException("Cannot run program \"" + executable + "\": error=" + error + ", "
                + LibC.strerror(error));
          }
          return pid[0];
        } finally {
          LibC.posix_spawnattr_destroy(attributes);
        }
      } finally {
        LibC.posix_spawn_file_actions_destroy(actions);
      }
    }
  }

  /** Waits for the child to exit and reaps it; its exit code as the JDK reports one (128 + signal). */
  private static int reap(int pid) {
    int[] status = new int[1];
    while (true) {
      try {
        if (LibC.waitpid(pid, status, 0) == pid) {
          return exitCode(status[0]);
        }
      } catch (LastErrorException e) {
        if (e.getErrorCode() != EINTR) {
          LOG.warn("cannot wait for process {}: {}", pid, e.getMessage());
          return -1;
        }
      }
    }
  }

  /** The exit code of a {@code wait} status: the program's own code, or 128 + the signal that killed it. */
  static int exitCode(int status) {
    int signal = status & 0x7f;
    return signal == 0 ? (status >> 8) & 0xff : 0x80 + signal;
  }

  private static int[] pipe() throws IOException {
    int[] fds = new int[2];
    try {
      LibC.pipe2(fds, O_CLOEXEC);
    } catch (LastErrorException e) {
      throw new IOException("Cannot create a pipe: error=" + e.getErrorCode() + ", " + LibC.strerror(e.getErrorCode()));
    }
    return fds;
  }

  private static void closeAll(int[] fds) {
    for (int fd : fds) {
      LibC.close(fd);
    }
  }

  private static void check(int error, String call) throws IOException {
    if (error != 0) {
      throw new IOException(call + " failed: error=" + error + ", " + LibC.strerror(error));
    }
  }
}
