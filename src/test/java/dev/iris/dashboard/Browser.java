package dev.iris.dashboard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.function.Function;
import java.util.stream.Stream;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Debian Chromium driven through the system chromedriver, with a fresh profile and no background
 * networking (this machine's network is closed). Fails with a clear message when Chromium is missing.
 */
final class Browser implements AutoCloseable {
  static final Path CHROMIUM = Path.of(System.getProperty("iris.chromium", "/usr/bin/chromium"));
  static final Path CHROMEDRIVER = Path.of(System.getProperty("iris.chromedriver", "/usr/bin/chromedriver"));
  static final Path SCREENSHOTS = Path.of("target", "screenshots");
  /** Keeps every WebSocket the page opens in {@code window.testSockets}, newest last. */
  private static final String RECORD_SOCKETS = "(() => { const Native = window.WebSocket; window.testSockets = [];"
      + " window.WebSocket = function (url, protocols) { const s = new Native(url, protocols);"
      + " window.testSockets.push(s); return s; };"
      + " window.WebSocket.prototype = Native.prototype; Object.assign(window.WebSocket, Native); })();";
  final WebDriver driver;
  private final Path profile;

  Browser() throws IOException {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      throw new AssertionError("browser tests need Debian's Chromium: " + CHROMIUM + " and " + CHROMEDRIVER
          + " must exist (install with: apt-get install -y chromium chromium-driver; ./test does this)");
    }
    profile = Files.createTempDirectory("iris-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
        "--disable-quic", "--window-size=1440,960", "--user-data-dir=" + profile);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
    ChromeDriver chrome = new ChromeDriver(service, options);
    // the page's WebSockets, for tests that drop one: recorded by the test, so the shipped page has no test hooks
    chrome.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", java.util.Map.of("source", RECORD_SOCKETS));
    driver = chrome;
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
  }

  <T> T waitFor(String what, Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, Duration.ofSeconds(10)).pollingEvery(Duration.ofMillis(50)).withMessage(what)
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(condition);
  }

  Object js(String script, Object... args) {
    return ((org.openqa.selenium.JavascriptExecutor) driver).executeScript(script, args);
  }

  Path screenshot(String name) throws IOException {
    Files.createDirectories(SCREENSHOTS);
    Path file = SCREENSHOTS.resolve(name + ".png");
    Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    return file;
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
