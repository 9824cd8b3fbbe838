package dev.iris.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChildProcessDefaultsTest {
  @Test
  void vforkOnlyOnLinuxWithJdksThatDoNotWarnAboutIt() {
    assertThat(ChildProcessDefaults.vforkSuitable("Linux", 17)).isTrue();
    assertThat(ChildProcessDefaults.vforkSuitable("Linux", 21)).isTrue();
    assertThat(ChildProcessDefaults.vforkSuitable("Linux", 25)).isFalse();
    assertThat(ChildProcessDefaults.vforkSuitable("Mac OS X", 17)).isFalse();
  }

  @Test
  void aCommonPoolOnlyWhereTheJdkWouldStartAThreadPerExit() {
    assertThat(ChildProcessDefaults.poolNeeded(1)).isTrue();
    assertThat(ChildProcessDefaults.poolNeeded(2)).isTrue();
    assertThat(ChildProcessDefaults.poolNeeded(4)).isFalse();
  }

  @Test
  void settingsTheUserChoseAreKept() {
    String mechanism = System.getProperty(ChildProcessDefaults.LAUNCH_MECHANISM);
    String parallelism = System.getProperty(ChildProcessDefaults.COMMON_POOL_PARALLELISM);
    try {
      System.setProperty(ChildProcessDefaults.LAUNCH_MECHANISM, "FORK");
      System.setProperty(ChildProcessDefaults.COMMON_POOL_PARALLELISM, "7");
      ChildProcessDefaults.apply();
      assertThat(System.getProperty(ChildProcessDefaults.LAUNCH_MECHANISM)).isEqualTo("FORK");
      assertThat(System.getProperty(ChildProcessDefaults.COMMON_POOL_PARALLELISM)).isEqualTo("7");
    } finally {
      restore(ChildProcessDefaults.LAUNCH_MECHANISM, mechanism);
      restore(ChildProcessDefaults.COMMON_POOL_PARALLELISM, parallelism);
    }
  }

  private static void restore(String key, String value) {
    if (value == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, value);
    }
  }
}
