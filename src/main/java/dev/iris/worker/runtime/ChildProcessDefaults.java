package dev.iris.worker.runtime;

import java.util.Locale;

/**
 * JVM-wide settings that make starting and reaping many short task processes cheaper. The JDK reads both
 * once, when the first process starts and when {@code CompletableFuture} is first used, so
 * {@link #apply} must run first thing in a program's {@code main}. Each is left alone when the user set
 * it, and neither is ever applied to a JVM we do not own (an embedded worker in a user's program keeps
 * that program's settings). Measured in BENCHMARKS.md, scenario 7.
 *
 * <ul>
 *   <li>{@value #LAUNCH_MECHANISM}{@code =VFORK}: on Linux, JDK 17's default {@code POSIX_SPAWN} execs
 *       the JDK's {@code jspawnhelper} first and only then the command, one extra exec per task;
 *       {@code VFORK} execs the command directly (~0.8 ms less child CPU per task here). JDK 25
 *       deprecates {@code VFORK} with a warning and later JDKs remove it, so only on JDK 17 to 24.
 *   <li>{@value #COMMON_POOL_PARALLELISM}{@code =2} on machines with at most two CPUs:
 *       {@code Process.onExit()} completes through {@code handleAsync} on the default executor, and with
 *       a common-pool parallelism of 1 (the default on two CPUs) {@code CompletableFuture} starts a new
 *       thread for every such task, i.e. one thread per process exit.
 * </ul>
 */
public final class ChildProcessDefaults {
  /** The JDK's launch mechanism property. */
  public static final String LAUNCH_MECHANISM = "jdk.lang.Process.launchMechanism";
  /** The common fork-join pool's parallelism property. */
  public static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";
  private static final int LAST_FEATURE_WITH_QUIET_VFORK = 24;

  private ChildProcessDefaults() {}

  /** Applies both settings where they help and the user did not choose otherwise. */
  public static void apply() {
    if (System.getProperty(LAUNCH_MECHANISM) == null
        && vforkSuitable(System.getProperty("os.name", ""), Runtime.version().feature())) {
      System.setProperty(LAUNCH_MECHANISM, "VFORK");
    }
    if (System.getProperty(COMMON_POOL_PARALLELISM) == null
        && poolNeeded(Runtime.getRuntime().availableProcessors())) {
      System.setProperty(COMMON_POOL_PARALLELISM, "2");
    }
  }

  static boolean vforkSuitable(String osName, int jdkFeature) {
    return osName.toLowerCase(Locale.ROOT).startsWith("linux") && jdkFeature <= LAST_FEATURE_WITH_QUIET_VFORK;
  }

  /** Whether the common pool would have parallelism 1 (CPUs - 1), so async completions get a thread each. */
  static boolean poolNeeded(int processors) {
    return processors <= 2;
  }
}
