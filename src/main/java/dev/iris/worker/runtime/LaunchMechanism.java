package dev.iris.worker.runtime;

import java.util.Locale;

/**
 * Chooses how the JDK starts child processes. On Linux, JDK 17 defaults to {@code POSIX_SPAWN}, which
 * execs the JDK's {@code jspawnhelper} first and only then the command: one extra exec per task.
 * {@code VFORK} execs the command directly from a vfork'ed child, which measured ~0.6 ms less CPU per
 * spawn on the project's machine (see BENCHMARKS.md, scenario 7). JDK 25 deprecates {@code VFORK}
 * (with a warning on stderr) and later JDKs remove it, so it is chosen on JDK 17 to 24 only.
 *
 * <p>The JDK reads the property once, when the first process is started, so {@link #preferVfork} must
 * run first thing in a program's {@code main}. It is never applied to a JVM we do not own (an embedded
 * worker in a user's program keeps the user's choice).
 */
public final class LaunchMechanism {
  /** The JDK's system property. */
  public static final String PROPERTY = "jdk.lang.Process.launchMechanism";
  private static final int LAST_FEATURE_WITH_QUIET_VFORK = 24;

  private LaunchMechanism() {}

  /**
   * Sets {@value #PROPERTY} to {@code VFORK} on Linux with JDK 17 to 24, unless it is already set.
   *
   * @return whether the property was set
   */
  public static boolean preferVfork() {
    if (System.getProperty(PROPERTY) != null || !suitable(System.getProperty("os.name", ""),
        Runtime.version().feature())) {
      return false;
    }
    System.setProperty(PROPERTY, "VFORK");
    return true;
  }

  static boolean suitable(String osName, int jdkFeature) {
    return osName.toLowerCase(Locale.ROOT).startsWith("linux") && jdkFeature <= LAST_FEATURE_WITH_QUIET_VFORK;
  }
}
