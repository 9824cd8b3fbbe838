package dev.iris.dashboard;

import static dev.iris.dashboard.DashboardCluster.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iris.rpc.CommandEntrypoint;
import dev.iris.rpc.Controller;
import dev.iris.rpc.EnvironmentConfig;
import dev.iris.rpc.ResourceSpecProto;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;

/**
 * Signing in to the dashboard of a controller that checks tokens, in headless Chromium: the dashboard sends
 * the browser to the login page and back to the page it asked for, a wrong token is answered with the
 * server's words, the page says who is signed in, signing out (or a session the controller no longer takes)
 * leads back to the login page.
 */
@Tag("browser")
class DashboardLoginBrowserTest {
  private static final String PAYLOAD = "<img src=x onerror=alert(1)>";
  private DashboardCluster c;
  private Browser b;

  @BeforeEach
  void start() throws Exception {
    c = new DashboardCluster(DashboardAuthTest.auth());
    b = new Browser();
    // what the Content-Security-Policy blocked (an inline script or style), page by page
    ((org.openqa.selenium.chrome.ChromeDriver) b.driver).executeCdpCommand("Page.addScriptToEvaluateOnNewDocument",
        java.util.Map.of("source", "window.cspViolations = []; document.addEventListener('securitypolicyviolation',"
            + " (e) => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"));
    c.worker("w1", 8, r -> null);
  }

  @AfterEach
  void stop() throws Exception {
    try {
      b.close();
    } finally {
      c.close();
    }
  }

  @Test
  void theDashboardAsksForATokenComesBackToThePageAndSignsOut() throws Exception {
    await(c.as(DashboardAuthTest.ALICE).launchJob(DashboardCluster.launchRequest("train", 2, 1)));
    await(c.as(DashboardAuthTest.ALICE).launchJob(Controller.LaunchJobRequest.newBuilder().setName("markup")
        .setEntrypoint(CommandEntrypoint.newBuilder().addArgv("sh").addArgv("-c").addArgv("echo '" + PAYLOAD + "'"))
        .setEnvironment(EnvironmentConfig.newBuilder().putEnvVars("NOTE", PAYLOAD))
        .setResources(ResourceSpecProto.newBuilder().setReplicas(1).setCpu(1).setMemoryBytes(64L << 20))
        .build()));

    b.driver.get(c.baseUrl() + "/#/jobs/markup");
    b.waitFor("the login page", d -> d.getCurrentUrl().contains("/login.html"));
    assertThat(b.driver.getCurrentUrl()).endsWith("/login.html?next=%2F#/jobs/markup");
    assertThat(b.driver.findElement(By.id("token")).getDomAttribute("type")).isEqualTo("password");
    assertThat(b.driver.findElement(By.id("login-error")).isDisplayed()).isFalse();
    b.screenshot("11-login");

    signIn("not-a-token-of-this-cluster");
    b.waitFor("the server's refusal", d -> d.findElement(By.id("login-error")).getText()
        .equals("invalid token: it is not a token of this cluster"));
    assertThat(b.driver.getCurrentUrl()).contains("/login.html");
    assertThat(b.js("return window.cspViolations")).asList().isEmpty();
    b.screenshot("12-login-refused");

    signIn(DashboardAuthTest.ALICE);
    b.waitFor("the page asked for", d -> d.findElement(By.id("job-title")).getText().startsWith("markup"));
    assertThat(b.driver.getCurrentUrl()).isEqualTo(c.baseUrl() + "/#/jobs/markup");
    b.waitFor("who is signed in", d -> d.findElement(By.id("whoami")).getText().equals("signed in as alice (user)"));
    assertThat(b.driver.findElement(By.id("job-user")).getText()).isEqualTo("alice");
    // her own job: the variables' values, and markup shown as text, never run
    assertThat(b.driver.findElement(By.id("job-env")).getText()).isEqualTo("NOTE=" + PAYLOAD);
    assertThat(b.driver.findElement(By.tagName("body")).getText()).contains("echo '" + PAYLOAD + "'");
    assertThat(b.driver.findElements(By.cssSelector("img[src='x'], #page script"))).isEmpty();
    assertThatThrownBy(() -> b.driver.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
    // the token stays out of the page's reach
    assertThat(b.js("return document.cookie")).isEqualTo("");

    b.driver.findElement(By.cssSelector("a[data-nav='jobs']")).click();
    b.waitFor("the jobs", d -> d.findElements(By.cssSelector("tr[data-job]")).size() == 2);
    b.waitFor("the live feed", d -> d.findElement(By.id("feed-status")).getText().equals("live"));
    assertThat(b.js("return window.cspViolations")).asList().isEmpty();
    b.screenshot("13-signed-in");

    b.driver.findElement(By.id("sign-out")).click();
    b.waitFor("the login page again", d -> d.getCurrentUrl().equals(c.baseUrl() + "/login.html"));
    assertThat(b.driver.manage().getCookieNamed("iris_token")).isNull();
    b.driver.get(c.baseUrl() + "/#/workers");
    b.waitFor("still signed out", d -> d.getCurrentUrl().contains("/login.html"));
  }

  /** A viewer sees that a job has variables, not their values; a session that stops working ends at login. */
  @Test
  void aSessionTheControllerNoLongerTakesGoesBackToTheLoginPage() throws Exception {
    await(c.as(DashboardAuthTest.ALICE).launchJob(DashboardCluster.launchRequest("train", 1, 1).toBuilder()
        .setEnvironment(EnvironmentConfig.newBuilder().putEnvVars("SECRET", "alice-s3cret")).build()));
    b.driver.get(c.baseUrl() + "/login.html");
    signIn(DashboardAuthTest.VERA);
    b.waitFor("the jobs", d -> d.findElements(By.cssSelector("tr[data-job='train']")).size() == 1);
    b.waitFor("the live feed", d -> d.findElement(By.id("feed-status")).getText().equals("live"));
    assertThat(b.driver.findElement(By.id("whoami")).getText()).isEqualTo("signed in as vera (viewer)");
    b.driver.findElement(By.linkText("train")).click();
    b.waitFor("the job page", d -> d.findElement(By.id("job-env")).getText().equals("SECRET=<redacted>"));
    b.driver.findElement(By.cssSelector("a[data-nav='jobs']")).click();
    b.waitFor("the jobs", d -> d.findElements(By.cssSelector("tr[data-job='train']")).size() == 1);

    // the controller no longer takes the cookie (it restarted with other tokens, say) and the feed drops:
    // the page goes to the login page, not to a page of errors, and comes back after
    b.driver.manage().addCookie(new Cookie.Builder("iris_token", "stale-token-0123456789abcdef").path("/")
        .isHttpOnly(true).sameSite("Strict").build());
    b.js("window.testSockets[window.testSockets.length - 1].close();");
    b.waitFor("the login page", d -> d.getCurrentUrl().contains("/login.html"));
    assertThat(b.driver.getCurrentUrl()).endsWith("/login.html?next=%2F%23%2Fjobs");
    signIn(DashboardAuthTest.VERA);
    b.waitFor("the jobs again", d -> d.findElements(By.cssSelector("tr[data-job='train']")).size() == 1);
    assertThat(b.driver.getCurrentUrl()).isEqualTo(c.baseUrl() + "/#/jobs");

    // an API call refused for its credential does the same
    b.driver.manage().addCookie(new Cookie.Builder("iris_token", "stale-token-0123456789abcdef").path("/")
        .isHttpOnly(true).sameSite("Strict").build());
    b.driver.findElement(By.cssSelector("a[data-nav='workers']")).click();
    b.waitFor("the login page", d -> d.getCurrentUrl().endsWith("/login.html?next=%2F%23%2Fworkers"));
    assertThat(b.driver.findElements(By.cssSelector(".message.error"))).isEmpty();
  }

  /** A next= that leads elsewhere is not followed. */
  @Test
  void theLoginPageOnlyReturnsToPagesOfItsOwnServer() throws Exception {
    for (String next : new String[] {"https://evil.example/", "//evil.example/", "/\\evil.example/",
        "javascript:alert(1)", "/login.html"}) {
      b.driver.get(c.baseUrl() + "/login.html?next=" + java.net.URLEncoder.encode(next,
          java.nio.charset.StandardCharsets.UTF_8));
      signIn(DashboardAuthTest.BOB);
      b.waitFor("the dashboard for " + next, d -> d.getCurrentUrl().equals(c.baseUrl() + "/"));
    }
  }

  private void signIn(String token) {
    WebElement field = b.waitFor("the token field", d -> d.findElement(By.id("token")));
    field.clear();
    field.sendKeys(token);
    b.driver.findElement(By.id("sign-in")).click();
  }
}
