package dev.iris.cli;

import picocli.CommandLine.IVersionProvider;

/**
 * The version of Iris: the {@code Implementation-Version} of the jar manifest (set by the build), or
 * {@code dev} when running from classes (tests, IDE).
 */
public final class IrisVersion implements IVersionProvider {
  /** The version shown when no jar manifest names one. */
  public static final String DEVELOPMENT = "dev";

  /** The running version of Iris, never null. */
  public static String get() {
    String version = IrisVersion.class.getPackage().getImplementationVersion();
    return version == null || version.isBlank() ? DEVELOPMENT : version;
  }

  /** The line {@code iris version} and {@code iris --version} print: {@code iris 0.1.0}. */
  public static String line() {
    return "iris " + get();
  }

  @Override
  public String[] getVersion() {
    return new String[] {line()};
  }
}
