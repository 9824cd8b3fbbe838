package dev.iris.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iris.controller.journal.FaultyChannel;
import dev.iris.controller.journal.JournalOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * The dashboard's header says when the controller started and what it recovered from its state directory; while
 * the directory cannot be written, a banner on every page says so, and it goes once the controller stores changes
 * again. Headless Chromium against a durable controller whose disk the test fills.
 */
@Tag("browser")
class ControllerStatusBrowserTest {
  @TempDir
  Path tmp;
  private final FaultyChannel.Disk disk = new FaultyChannel.Disk();
  private DashboardCluster c;
  private Browser b;

  @AfterEach
  void stop() throws Exception {
    disk.bytesLeft.set(Long.MAX_VALUE);
    try {
      if (b != null) {
        b.close();
      }
    } finally {
      if (c != null) {
        c.close();
      }
    }
  }

  @Test
  void theHeaderSaysWhatTheControllerRecoveredAndABannerShowsWhileItCannotStoreChanges() throws Exception {
    Path dir = tmp.resolve("state");
    try (DashboardCluster first = new DashboardCluster(dir, JournalOptions.defaults())) {
      first.launch("train", 2, 1); // no worker: they stay pending
      first.launch("eval", 1, 1);
    }
    c = new DashboardCluster(dir, JournalOptions.defaults().withOpener(disk));
    b = new Browser();
    b.driver.get(c.baseUrl() + "/#/jobs");

    String started = b.waitFor("the controller's start in the header", d -> {
      String text = d.findElement(By.id("controller-status")).getText();
      return text.isEmpty() ? null : text;
    });
    assertThat(started).matches("controller started .+ \\(recovered 2 jobs in \\d+ ms\\)");
    assertThat(b.driver.findElement(By.id("controller-status")).getDomAttribute("title"))
        .contains("State directory " + dir).contains("2 jobs and 0 workers recovered");
    assertThat(b.driver.findElements(By.id("store-failure"))).isEmpty();
    b.screenshot("10-controller-started");

    disk.bytesLeft.set(0); // the disk is full
    assertThatThrownBy(() -> c.launch("refused", 1, 1)).hasMessageContaining("No space left on device");
    String banner = b.waitFor("the banner", d -> d.findElement(By.id("store-failure")).getText());
    assertThat(banner).startsWith("The controller cannot store changes: state directory " + dir
        + " cannot be written: No space left on device; retrying every 0.1s.");
    b.driver.get(c.baseUrl() + "/#/workers"); // on every page
    b.waitFor("the banner on another page", d -> d.findElement(By.id("store-failure")).isDisplayed());
    b.screenshot("11-state-dir-full");

    disk.bytesLeft.set(Long.MAX_VALUE);
    DashboardCluster.eventually(() -> {
      try {
        c.launch("after", 1, 1);
        return true;
      } catch (Exception stillRefused) {
        return false;
      }
    });
    b.waitFor("the banner gone", d -> d.findElements(By.id("store-failure")).isEmpty());
    assertThat(b.driver.findElement(By.id("controller-status")).getDomAttribute("title"))
        .contains("Rebuilt from disk at").contains("after a failed write (1 time so far)");
  }
}
