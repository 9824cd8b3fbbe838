package dev.iris.e2e;

import java.nio.file.Path;

/** How the end-to-end tests start another JVM on the classes under test. */
final class Jvm {
  private Jvm() {}

  /** The {@code java} launcher of the running JDK. */
  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * The test runtime classpath. Under Surefire {@code java.class.path} is only its booter jar; the real
   * one is {@code surefire.test.class.path}.
   */
  static String classpath() {
    String cp = System.getProperty("surefire.test.class.path");
    return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
  }
}
