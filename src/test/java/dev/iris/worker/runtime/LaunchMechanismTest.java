package dev.iris.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LaunchMechanismTest {
  @Test
  void vforkOnlyOnLinuxWithJdksThatDoNotWarnAboutIt() {
    assertThat(LaunchMechanism.suitable("Linux", 17)).isTrue();
    assertThat(LaunchMechanism.suitable("Linux", 21)).isTrue();
    assertThat(LaunchMechanism.suitable("Linux", 25)).isFalse();
    assertThat(LaunchMechanism.suitable("Mac OS X", 17)).isFalse();
  }

  @Test
  void aMechanismTheUserChoseIsKept() {
    String before = System.getProperty(LaunchMechanism.PROPERTY);
    try {
      System.setProperty(LaunchMechanism.PROPERTY, "FORK");
      assertThat(LaunchMechanism.preferVfork()).isFalse();
      assertThat(System.getProperty(LaunchMechanism.PROPERTY)).isEqualTo("FORK");
    } finally {
      if (before == null) {
        System.clearProperty(LaunchMechanism.PROPERTY);
      } else {
        System.setProperty(LaunchMechanism.PROPERTY, before);
      }
    }
  }
}
