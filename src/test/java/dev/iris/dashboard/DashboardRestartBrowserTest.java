package dev.iris.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.client.IrisClient;
import dev.iris.client.JobRequest;
import dev.iris.testing.RestartableCluster;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The dashboard in headless Chromium across a restart of a durable controller (with tokens, on its state
 * directory and port): the page says the controller is unavailable while it is down, reconnects by itself
 * without a reload, says so, and shows what was committed after the restart.
 */
@Tag("browser")
class DashboardRestartBrowserTest {

  @Test
  void thePageShowsTheOutageAndRidesThroughTheRestartWithoutAReload() throws Exception {
    try (RestartableCluster c = new RestartableCluster().startController();
        IrisClient iris = IrisClient.remote(c.address(), c.token());
        Browser b = new Browser()) {
      String base = "http://" + c.address();
      iris.submit(JobRequest.command("true").name("before").cpu(0)); // no worker: pending
      b.driver.get(base + "/#/jobs");
      WebElement field = b.waitFor("the login page", d -> d.findElement(By.id("token")));
      field.sendKeys(c.token());
      b.driver.findElement(By.id("sign-in")).click();
      b.waitFor("the job row", d -> d.findElements(By.cssSelector("tr[data-job='before']")).size() == 1);
      b.waitFor("the live feed", d -> d.findElement(By.id("feed-status")).getText().equals("live"));
      assertThat(b.driver.findElement(By.id("outage-banner")).isDisplayed()).isFalse();
      b.js("window.__marker = 'same page';");

      c.stopController();
      WebElement banner = b.waitFor("the outage banner", d -> {
        WebElement e = d.findElement(By.id("outage-banner"));
        return e.isDisplayed() && e.getText().startsWith("Controller unavailable since") ? e : null;
      });
      assertThat(banner.getText()).contains("retrying");
      assertThat(b.driver.findElement(By.id("feed-status")).getText()).isEqualTo("unavailable");
      assertThat(b.driver.findElements(By.cssSelector("tr[data-job='before']"))).as("the page keeps its data").hasSize(1);
      b.screenshot("13-controller-unavailable");

      c.startController();
      iris.submit(JobRequest.command("true").name("after").cpu(0));
      b.waitFor("the job submitted after the restart",
          d -> d.findElements(By.cssSelector("tr[data-job='after']")).size() == 1);
      b.waitFor("live again", d -> d.findElement(By.id("feed-status")).getText().equals("live"));
      b.waitFor("the reconnected note", d -> d.findElement(By.id("outage-banner")).getText()
          .startsWith("Reconnected to the controller after"));
      assertThat(b.js("return window.__marker")).as("no reload").isEqualTo("same page");
      assertThat((String) b.js("return window.testSockets[window.testSockets.length - 1].url"))
          .matches(".*/api/feed\\?from=\\d+$");
      b.screenshot("14-controller-back");
      b.waitFor("the note to go", d -> !d.findElement(By.id("outage-banner")).isDisplayed());
    }
  }
}
