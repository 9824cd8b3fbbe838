package dev.iris.dashboard;

import static dev.iris.dashboard.DashboardCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.rpc.Controller;
import dev.iris.rpc.TaskState;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The dashboard in headless Chromium against a controller with fake workers: jobs appear and change state
 * without a reload, a job's page shows its tasks and logs, a job is killed from its page, screenshots are
 * saved under target/screenshots.
 */
@Tag("browser")
class DashboardBrowserTest {
  private DashboardCluster c;
  private Browser b;

  @BeforeEach
  void start() throws Exception {
    c = new DashboardCluster();
    b = new Browser();
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
  void followsAJobFromSubmissionToKillWithoutReloading() throws Exception {
    b.driver.get(c.baseUrl() + "/#/jobs");
    waitLive();
    b.js("window.__marker = 'same page';");
    b.waitFor("the empty-jobs message", d -> d.findElement(By.cssSelector(".message")).getText().contains("No jobs yet"));

    // submitted through the gRPC API while no worker can take it: it shows up PENDING
    b.js("""
        new MutationObserver((m, obs) => {
          if (document.querySelector("tr[data-job='train']")) { window.__seenAt = Date.now(); obs.disconnect(); }
        }).observe(document.querySelector('table.jobs tbody'), { childList: true });""");
    c.launch("train", 3, 2);
    WebElement row = b.waitFor("the job row", d -> d.findElement(By.cssSelector("tr[data-job='train']")));
    // from the commit (the job's submission time) to the row in the page: the target is ~200 ms, the bound
    // leaves room for a loaded CI machine
    long latency = ((Number) b.js("return window.__seenAt")).longValue() - c.status("train").getSubmittedAtMs();
    assertThat(latency).as("commit to row on the page, ms").isLessThan(1_000);
    b.waitFor("train pending", d -> badgeOf("train").equals("pending"));
    assertThat(row.findElement(By.cssSelector("td.reason")).getText()).isNotEmpty();

    // a worker joins: the row turns RUNNING, still the same page
    LoggingFakeWorker w = c.worker("w1", 8, r -> null);
    b.waitFor("train running", d -> badgeOf("train").equals("running"));
    b.waitFor("three running segments", d -> "3".equals(d.findElement(
        By.cssSelector("tr[data-job='train'] .seg.status-running")).getDomAttribute("data-count")));
    c.launch(DashboardCluster.launchRequest("eval", 1, 1).toBuilder().setParentJobId("train").build());
    b.waitFor("the child row under its parent", d -> jobOrder().equals(List.of("train", "train/eval")));
    assertThat(b.js("return window.__marker")).isEqualTo("same page");
    b.screenshot("01-jobs-live");

    // the job's page: tasks, attempts, and the logs of the task it opens on
    b.driver.findElement(By.linkText("train")).click();
    b.waitFor("job page", d -> d.findElement(By.id("job-title")).getText().startsWith("train"));
    b.waitFor("three task rows", d -> d.findElements(By.cssSelector("tr.task")).size() == 3);
    b.waitFor("task 0 logs", d -> d.findElement(By.id("log-lines")).getText().contains("hello from train/task-0 on w1"));
    assertThat(b.driver.findElement(By.cssSelector("tr.task.selected")).getDomAttribute("data-task")).isEqualTo("0");
    w.log("train/task-0", "stdout", "epoch 1/3 loss=0.42");
    b.waitFor("the live tail", d -> d.findElement(By.id("log-lines")).getText().contains("epoch 1/3 loss=0.42"));
    b.driver.findElement(By.cssSelector("tr.task[data-task='2']")).click();
    b.waitFor("task 2 logs", d -> d.findElement(By.id("log-lines")).getText().contains("hello from train/task-2"));
    b.driver.findElement(By.id("log-filter")).sendKeys("warn");
    b.waitFor("filtered logs", d -> {
      String text = d.findElement(By.id("log-lines")).getText();
      return text.contains("warning: this is a fake worker") && !text.contains("hello from");
    });
    assertThat(b.driver.getCurrentUrl()).contains("#/jobs/train?task=2");
    b.screenshot("02-job-detail-logs");

    // kill it from the page, after confirming
    b.driver.findElement(By.id("kill-job")).click();
    var confirm = b.waitFor("the confirm dialog", ExpectedConditions.alertIsPresent());
    assertThat(confirm.getText()).contains("Kill job train");
    confirm.accept();
    b.waitFor("job killed", d -> d.findElement(By.cssSelector("#job-title .badge")).getText().equalsIgnoreCase("killed"));
    b.waitFor("tasks killed", d -> d.findElements(By.cssSelector("tr.task .badge.status-killed")).size() == 3);
    assertThat(b.driver.findElement(By.id("kill-job")).isEnabled()).isFalse();
    assertThat(c.status("train/eval").getState()).isEqualTo(dev.iris.rpc.JobState.JOB_STATE_KILLED);
    assertThat(b.js("return window.__marker")).isEqualTo("same page");
    b.screenshot("03-job-killed");

    // workers and events
    b.driver.get(c.baseUrl() + "/#/workers");
    b.waitFor("worker row", d -> d.findElement(By.cssSelector("tr[data-worker='w1'] .badge")).getText().equalsIgnoreCase("healthy"));
    assertThat(b.driver.findElement(By.cssSelector("tr[data-worker='w1']")).getText()).contains("zone=test-a");
    b.driver.get(c.baseUrl() + "/#/events");
    b.waitFor("action log", d -> d.findElement(By.cssSelector("table.events tbody")).getText().contains("job killed"));
    assertThat(b.driver.findElement(By.cssSelector("table.events tbody tr:last-child")).getText())
        .contains("job submitted").contains("train"); // newest first: the first thing that happened is last
    b.screenshot("05-events");
    assertThat(Files.size(Browser.SCREENSHOTS.resolve("01-jobs-live.png"))).isGreaterThan(5_000);
  }

  @Test
  void aFailedJobOpensOnItsFailedTaskAndDeepLinksWork() throws Exception {
    c.worker("w1", 8, r -> r.getTaskIndex() == 1 ? TaskState.TASK_STATE_FAILED : null);
    c.launch("flaky", 3, 1);
    DashboardCluster.eventually(() -> c.status("flaky").getState() == dev.iris.rpc.JobState.JOB_STATE_FAILED);
    b.driver.get(c.baseUrl() + "/jobs/flaky"); // a shared link
    b.waitFor("job page", d -> d.findElement(By.id("job-title")).getText().startsWith("flaky"));
    b.waitFor("failed task selected", d -> "1".equals(d.findElement(By.cssSelector("tr.task.selected")).getDomAttribute("data-task")));
    b.waitFor("its logs", d -> d.findElement(By.id("log-lines")).getText().contains("error: boom in flaky/task-1"));
    assertThat(b.driver.findElement(By.id("job-error")).getText()).contains("task-1");
    assertThat(b.driver.findElement(By.cssSelector("tr.task[data-task='1']")).getText()).contains("Exit code: 3");
    b.screenshot("06-failed-job");

    // one colour per state; ASSIGNED differs from PENDING and RUNNING
    Object colours = b.js("""
        const out = {};
        for (const s of ['pending','assigned','building','running','succeeded','failed','killed','worker-failed','unschedulable']) {
          const el = document.createElement('span'); el.className = 'badge status-' + s; document.body.append(el);
          out[s] = getComputedStyle(el).backgroundColor; el.remove();
        }
        return out;""");
    @SuppressWarnings("unchecked")
    var map = (java.util.Map<String, String>) colours;
    assertThat(map.values()).doesNotHaveDuplicates();
  }

  @Test
  void aRealWorkersTaskOnTheControllerPageAndOnTheWorkersOwnPage() throws Exception {
    try (RealWorker w = new RealWorker(c, "real-1")) {
      c.launch(RealWorker.chatty("shell"));
      b.driver.get(c.baseUrl() + "/#/jobs/shell");
      b.waitFor("running on the controller page", d -> d.findElement(By.cssSelector("#job-title .badge")).getText()
          .equalsIgnoreCase("running"));
      b.waitFor("the process's output", d -> d.findElement(By.id("log-lines")).getText().contains("line 3"));
      assertThat(b.driver.findElement(By.id("log-lines")).getText()).contains("starting shell/task-0");

      b.driver.get("http://127.0.0.1:" + w.port() + "/");
      b.waitFor("the worker's task", d -> d.findElement(By.cssSelector("tr.task[data-task='shell/task-0'] .badge"))
          .getText().equalsIgnoreCase("running"));
      b.waitFor("running count", d -> d.findElement(By.cssSelector("#task-counts [data-state='running'] .count"))
          .getText().equals("1"));
      assertThat(b.driver.findElements(By.cssSelector("#task-counts [data-state='assigned']"))).hasSize(1);
      b.waitFor("worker-side logs", d -> d.findElement(By.id("log-lines")).getText().contains("line 3"));
      b.screenshot("07-worker-page");

      c.send(io.vertx.core.http.HttpMethod.POST, "/api/jobs/shell/kill");
      b.waitFor("killed on the worker page", d -> d.findElement(By.cssSelector("tr.task[data-task='shell/task-0'] .badge"))
          .getText().equalsIgnoreCase("killed"));
    }
  }

  /** A controller other machines reach without authentication warns on every page; one on loopback does not. */
  @Test
  void anExposedControllerWarnsOnEveryPage() throws Exception {
    b.driver.get(c.baseUrl() + "/#/jobs");
    waitLive();
    assertThat(b.driver.findElements(By.id("insecure-banner"))).isEmpty();
    // without authentication nobody signs in, so nobody signs out
    assertThat(b.driver.findElement(By.id("whoami")).isDisplayed()).isFalse();
    assertThat(b.driver.findElement(By.id("sign-out")).isDisplayed()).isFalse();
    try (DashboardCluster exposed = new DashboardCluster(true)) {
      b.driver.get(exposed.baseUrl() + "/#/workers");
      b.waitFor("the warning", d -> d.findElement(By.id("insecure-banner")).getText()
          .contains("without authentication"));
      assertThat(exposed.get("/health").json().getBoolean("exposed")).isTrue();
    }
  }

  /** What a user writes (commands, log lines, env values) is shown as text, never run as HTML or script. */
  @Test
  void markupInACommandAndItsLogsIsShownAsText() throws Exception {
    String payload = "<img src=x onerror=window.pwned=1><script>window.pwned=2</script>";
    try (RealWorker w = new RealWorker(c, "real-x")) {
      c.launch(Controller.LaunchJobRequest.newBuilder().setName("markup")
          .setEntrypoint(dev.iris.rpc.CommandEntrypoint.newBuilder().addArgv("sh").addArgv("-c")
              .addArgv("echo '" + payload + "'; sleep 60"))
          .setEnvironment(dev.iris.rpc.EnvironmentConfig.newBuilder().putEnvVars("NOTE", payload))
          .setResources(dev.iris.rpc.ResourceSpecProto.newBuilder().setReplicas(1).setCpu(1).setMemoryBytes(64L << 20))
          .build());
      b.driver.get(c.baseUrl() + "/#/jobs/markup");
      b.waitFor("the payload in the logs, as text", d -> d.findElement(By.id("log-lines")).getText().contains(payload));
      assertThat(b.driver.findElement(By.tagName("body")).getText()).contains("<img src=x onerror=window.pwned=1>");
      assertThat(b.driver.findElements(By.cssSelector("#page img[src='x'], #page script"))).isEmpty();
      assertThat(b.js("return window.pwned === undefined")).isEqualTo(true);
      b.driver.get("http://127.0.0.1:" + w.port() + "/");
      b.waitFor("the worker page", d -> !d.findElements(By.cssSelector("tr.task[data-task='markup/task-0']")).isEmpty());
      assertThat(b.js("return window.pwned === undefined")).isEqualTo(true);
      c.send(io.vertx.core.http.HttpMethod.POST, "/api/jobs/markup/kill");
    }
  }

  @Test
  void tenThousandJobsStayResponsive() throws Exception {
    launchMany("bulk-", 0, 10_000);
    long t0 = System.nanoTime();
    b.driver.get(c.baseUrl() + "/#/jobs");
    b.waitFor("the first page of 10,000", d -> d.findElement(By.cssSelector(".pager .range")).getText()
        .contains("of 10,000"));
    long firstPageMs = (System.nanoTime() - t0) / 1_000_000;
    assertThat(b.driver.findElements(By.cssSelector("tr[data-job]"))).hasSize(50);
    assertThat(firstPageMs).as("first page of 10,000 jobs, ms").isLessThan(5_000);
    waitLive();
    b.js("window.__row = document.querySelector(\"tr[data-job='bulk-9990']\");");

    // a burst of 500 more while the page is open: the page follows, keeps its rows, and still answers
    launchMany("more-", 0, 500);
    b.waitFor("10,500 jobs", d -> d.findElement(By.cssSelector(".pager .range")).getText().contains("of 10,500"));
    assertThat(jobOrder().get(0)).isEqualTo("more-499");
    assertThat(b.driver.findElements(By.cssSelector("tr[data-job]"))).hasSize(50);
    long t1 = System.nanoTime();
    b.js("return document.querySelectorAll('tr').length");
    assertThat((System.nanoTime() - t1) / 1_000_000).as("script round trip, ms").isLessThan(1_000);

    // a deep link to page 151 of 210, then the pending filter: rows that stay on the page are the same elements, not re-rendered
    b.driver.get(c.baseUrl() + "/#/jobs?page=151");
    b.waitFor("page 151", d -> d.findElement(By.cssSelector(".pager .range")).getText().contains("page 151 of 210"));
    b.driver.findElement(By.cssSelector("button.chip[data-state='pending']")).click();
    b.waitFor("pending filter, first page", d -> d.findElement(By.cssSelector(".pager .range")).getText()
        .contains("page 1 of 210") && jobOrder().get(0).equals("more-499"));
    assertThat(b.driver.getCurrentUrl()).endsWith("#/jobs?state=pending");
    b.js("window.__first = document.querySelector('tr[data-job]');");
    c.launch("late", 1, 1);
    b.waitFor("the late job on top", d -> jobOrder().get(0).equals("late"));
    assertThat(b.js("return document.querySelector(\"tr[data-job='more-499']\") === window.__first")).isEqualTo(true);
    b.screenshot("08-ten-thousand-jobs");
  }

  @Test
  void aDroppedFeedReconnectsAndCatchesUpFromTheLastSequence() throws Exception {
    c.worker("w1", 4, r -> null);
    c.launch("first", 1, 1);
    b.driver.get(c.baseUrl() + "/#/jobs");
    waitLive();
    b.waitFor("first running", d -> badgeOf("first").equals("running"));
    b.js("window.__marker = 'same page'; window.testSockets[window.testSockets.length - 1].close();");
    c.launch("while-away", 1, 1); // committed while the page has no feed
    b.waitFor("the missed job", d -> d.findElements(By.cssSelector("tr[data-job='while-away']")).size() == 1);
    b.waitFor("live again", d -> d.findElement(By.id("feed-status")).getText().equals("live"));
    assertThat((String) b.js("return window.testSockets[window.testSockets.length - 1].url")).matches(".*/api/feed\\?from=\\d+$");
    b.waitFor("while-away running", d -> badgeOf("while-away").equals("running"));
    assertThat(b.js("return window.__marker")).isEqualTo("same page");

    // the workers page: committed against capacity, and the tasks running there
    b.driver.get(c.baseUrl() + "/#/workers");
    b.waitFor("committed cpu", d -> d.findElement(By.cssSelector("tr[data-worker='w1']")).getText().contains("2 / 4 cores"));
    assertThat(b.driver.findElement(By.cssSelector("tr[data-worker='w1'] .tasks-cell")).getText())
        .contains("first/task-0").contains("while-away/task-0");
    // the meters are sized by inline styles set through CSSOM, which the page's Content-Security-Policy allows
    assertThat((String) b.js("return document.querySelector(\"tr[data-worker='w1'] .meter-fill\").style.width"))
        .isEqualTo("50%");
    b.screenshot("04-workers");
  }

  @Test
  void assignedIsItsOwnStateOnEveryPage() throws Exception {
    c.worker("w1", 4, r -> r.getTaskIndex() == 0 ? TaskState.TASK_STATE_ASSIGNED : null);
    c.launch("handoff", 2, 1);
    DashboardCluster.eventually(() -> c.status("handoff").getTasksAssigned() == 1
        && c.status("handoff").getTasksRunning() == 1);
    await(c.bus.registerEndpoint(dev.iris.rpc.Controller.RegisterEndpointRequest.newBuilder()
        .setName("handoff/coordinator").setAddress("127.0.0.1:7777").setJobId("handoff").build()));

    b.driver.get(c.baseUrl() + "/#/jobs");
    b.waitFor("an assigned segment", d -> "1".equals(d.findElement(
        By.cssSelector("tr[data-job='handoff'] .seg.status-assigned")).getDomAttribute("data-count")));
    assertThat(b.driver.findElement(By.cssSelector("tr[data-job='handoff'] .seg.status-running"))
        .getDomAttribute("data-count")).isEqualTo("1");
    String assigned = b.driver.findElement(By.cssSelector("tr[data-job='handoff'] .seg.status-assigned"))
        .getCssValue("background-color");
    String running = b.driver.findElement(By.cssSelector("tr[data-job='handoff'] .seg.status-running"))
        .getCssValue("background-color");
    assertThat(assigned).isNotEqualTo(running);

    b.driver.findElement(By.linkText("handoff")).click();
    b.waitFor("task 0 assigned", d -> d.findElement(By.cssSelector("tr.task[data-task='0'] .badge"))
        .getText().equalsIgnoreCase("assigned"));
    assertThat(b.driver.findElement(By.cssSelector("tr.task[data-task='0'] .badge")).getDomAttribute("class"))
        .contains("status-assigned");
    b.screenshot("09-assigned-task");

    b.driver.get(c.baseUrl() + "/#/endpoints");
    b.waitFor("the endpoint", d -> d.findElement(By.cssSelector("tbody tr")).getText().contains("127.0.0.1:7777"));
    b.screenshot("10-endpoints");
  }

  private void launchMany(String prefix, int from, int count) throws Exception {
    for (int start = from; start < from + count; start += 250) {
      List<io.vertx.core.Future<?>> batch = new java.util.ArrayList<>();
      for (int i = start; i < Math.min(from + count, start + 250); i++) {
        batch.add(c.api.launchJob(DashboardCluster.launchRequest(prefix + i, 1, 1)));
      }
      DashboardCluster.await(io.vertx.core.Future.all(batch));
    }
  }

  private void waitLive() {
    b.waitFor("the live feed", d -> d.findElement(By.id("feed-status")).getText().equals("live"));
  }

  private String badgeOf(String jobId) {
    return b.driver.findElement(By.cssSelector("tr[data-job='" + jobId + "'] .badge")).getText().toLowerCase();
  }

  @SuppressWarnings("unchecked")
  private List<String> jobOrder() {
    return (List<String>) b.js("return [...document.querySelectorAll('tr[data-job]')].map(r => r.dataset.job)");
  }

}
