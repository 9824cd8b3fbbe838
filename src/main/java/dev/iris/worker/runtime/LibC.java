package dev.iris.worker.runtime;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.util.Optional;

/**
 * The C library functions the worker calls directly, bound through JNA direct mapping (no proxy, no
 * reflection per call). Loaded on first use; {@link #problem()} says whether that worked, and nothing else
 * here may be called when it did not.
 */
final class LibC {
  private static final Optional<String> PROBLEM = load();

  private LibC() {}

  /** Why the functions cannot be used here, or empty when they can. */
  static Optional<String> problem() {
    return PROBLEM;
  }

  private static Optional<String> load() {
    try {
      if (!Platform.isLinux()) {
        return Optional.of("not Linux");
      }
      Native.register(LibC.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
      return Optional.empty();
    } catch (Throwable unavailable) { // UnsatisfiedLinkError (old glibc), NoClassDefFoundError (no JNA), ...
      return Optional.of(unavailable.toString());
    }
  }

  static native int posix_spawn(int[] pid, String path, Pointer actions, Pointer attributes, Pointer argv,
      Pointer envp);

  static native int posix_spawn_file_actions_init(Pointer actions);

  static native int posix_spawn_file_actions_destroy(Pointer actions);

  static native int posix_spawn_file_actions_addopen(Pointer actions, int fd, String path, int flags, int mode);

  static native int posix_spawn_file_actions_adddup2(Pointer actions, int fd, int newFd);

  static native int posix_spawn_file_actions_addchdir_np(Pointer actions, String path);

  static native int posix_spawn_file_actions_addclosefrom_np(Pointer actions, int from);

  static native int posix_spawnattr_init(Pointer attributes);

  static native int posix_spawnattr_destroy(Pointer attributes);

  static native int posix_spawnattr_setflags(Pointer attributes, short flags);

  static native int posix_spawnattr_setsigmask(Pointer attributes, Pointer set);

  static native int posix_spawnattr_setsigdefault(Pointer attributes, Pointer set);

  static native int sigemptyset(Pointer set);

  static native int sigfillset(Pointer set);

  static native int pipe2(int[] fds, int flags) throws LastErrorException;

  static native int close(int fd);

  static native int waitpid(int pid, int[] status, int options) throws LastErrorException;

  static native String strerror(int error);

  static native int kill(int pid, int signal) throws LastErrorException;

  /**
   * Sends {@code signal} to every process of group {@code group} (kill(2) with a negative pid). Kept here,
   * with JNA's types, so that callers load no JNA class when JNA is missing.
   *
   * @return false when it could not be sent (the group is gone, or not ours)
   */
  static boolean signalGroup(long group, int signal) {
    try {
      kill((int) -group, signal);
      return true;
    } catch (LastErrorException e) {
      return false;
    }
  }
}
