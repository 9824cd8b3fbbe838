package dev.iris.dashboard;

import static dev.iris.dashboard.DashboardCluster.await;
import static dev.iris.dashboard.DashboardCluster.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iris.rpc.Controller;
import dev.iris.rpc.JobState;
import dev.iris.rpc.TaskState;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The dashboard's JSON API and WebSocket feed over plain HTTP, against a controller with fake workers. */
class DashboardApiTest {
  private DashboardCluster c;

  @BeforeEach
  void start() throws Exception {
    c = new DashboardCluster();
  }

  @AfterEach
  void stop() throws Exception {
    c.close();
  }

  @Test
  void jobsArePagedNewestFirstWithCountsFiltersAndChildrenUnderTheirParent() throws Exception {
    c.worker("w1", 4, r -> r.getJobId().startsWith("bad") ? TaskState.TASK_STATE_FAILED
        : r.getJobId().startsWith("ok") ? TaskState.TASK_STATE_SUCCEEDED : null);
    c.launch("ok-1", 1, 1);
    c.launch("bad", 1, 1);
    c.launch("parent", 1, 1);
    c.launch(DashboardCluster.launchRequest("child", 1, 1).toBuilder().setParentJobId("parent").build());
    c.launch("ok-2", 2, 1);
    eventually(() -> c.status("ok-2").getState() == JobState.JOB_STATE_SUCCEEDED
        && c.status("bad").getState() == JobState.JOB_STATE_FAILED);

    JsonObject all = c.get("/api/jobs").json();
    assertThat(ids(all)).containsExactly("ok-2", "parent", "parent/child", "bad", "ok-1");
    assertThat(all.getInteger("total")).isEqualTo(5);
    assertThat(all.getJsonObject("counts").getInteger("JOB_STATE_SUCCEEDED")).isEqualTo(2);
    assertThat(all.getJsonObject("counts").getInteger("JOB_STATE_FAILED")).isEqualTo(1);
    assertThat(all.getJsonObject("counts").getInteger("JOB_STATE_RUNNING")).isEqualTo(2);
    JsonObject ok2 = all.getJsonArray("jobs").getJsonObject(0);
    assertThat(ok2.getInteger("num_tasks")).isEqualTo(2);
    assertThat(ok2.getInteger("tasks_succeeded")).isEqualTo(2);
    assertThat(ok2.getString("state")).isEqualTo("JOB_STATE_SUCCEEDED");
    assertThat(all.getLong("sequence")).isPositive();

    assertThat(ids(c.get("/api/jobs?page=1&size=2").json())).containsExactly("parent/child", "bad");
    assertThat(ids(c.get("/api/jobs?state=succeeded").json())).containsExactly("ok-2", "ok-1");
    JsonObject prefixed = c.get("/api/jobs?prefix=OK&state=JOB_STATE_SUCCEEDED").json();
    assertThat(ids(prefixed)).containsExactly("ok-2", "ok-1");
    assertThat(prefixed.getJsonObject("counts").getInteger("JOB_STATE_FAILED")).isZero();
    assertThat(ids(c.get("/api/jobs?prefix=child").json())).containsExactly("parent/child");
    assertThat(ids(c.get("/api/jobs?ids=bad,nope,parent/child").json())).containsExactly("bad", "parent/child");

    assertThat(c.get("/api/jobs?state=sleeping").status()).isEqualTo(400);
    assertThat(c.get("/api/jobs?size=100000").status()).isEqualTo(400);
    assertThat(c.get("/api/jobs?size=100000").json().getString("error")).contains("size");
  }

  @Test
  void jobDetailHasTasksAttemptsPolicyAndTheTaskToOpenFirst() throws Exception {
    c.worker("w1", 4, r -> r.getTaskIndex() == 2 ? TaskState.TASK_STATE_FAILED : null);
    c.launch(DashboardCluster.launchRequest("fd", 3, 1).toBuilder().setMaxRetriesFailure(1).build());
    eventually(() -> c.status("fd").getState() == JobState.JOB_STATE_FAILED);

    JsonObject detail = c.get("/api/jobs/fd").json();
    JsonObject job = detail.getJsonObject("job");
    assertThat(job.getString("state")).isEqualTo("JOB_STATE_FAILED");
    assertThat(job.getString("error")).contains("task-2");
    assertThat(job.getInteger("max_retries_failure")).isEqualTo(1);
    assertThat(job.getJsonObject("entrypoint").getJsonArray("argv").getList()).containsExactly("python", "train.py", "--epochs=3");
    JsonArray tasks = job.getJsonArray("tasks");
    assertThat(tasks).hasSize(3);
    JsonObject failed = tasks.getJsonObject(2);
    assertThat(failed.getString("state")).isEqualTo("TASK_STATE_FAILED");
    assertThat(failed.getInteger("exit_code")).isEqualTo(3);
    assertThat(failed.getJsonArray("attempts")).hasSize(2); // one retry
    assertThat(failed.getJsonArray("attempts").getJsonObject(0).getString("worker_id")).isEqualTo("w1");
    assertThat(tasks.getJsonObject(0).getString("state")).isEqualTo("TASK_STATE_KILLED");
    assertThat(detail.getInteger("focus_task")).isEqualTo(2);

    JsonObject window = c.get("/api/jobs/fd?task_offset=1&task_limit=1").json();
    assertThat(window.getJsonObject("job").getJsonArray("tasks")).hasSize(1);
    assertThat(window.getJsonObject("job").getJsonArray("tasks").getJsonObject(0).getString("task_id")).isEqualTo("fd/task-1");

    assertThat(c.get("/api/jobs/nope").status()).isEqualTo(404);
    assertThat(c.get("/api/jobs/nope").json().getString("error")).isEqualTo("job nope not found");
    assertThat(c.get("/api/jobs/bad%20id").status()).isEqualTo(400);
  }

  @Test
  void taskLogsAreFetchedFromTheTasksWorkerAndFiltered() throws Exception {
    LoggingFakeWorker w = c.worker("w1", 4, r -> null);
    c.launch("logs", 1, 1);
    eventually(() -> c.status("logs").getTasksRunning() == 1);
    JsonObject all = c.get("/api/jobs/logs/tasks/0/logs").json();
    assertThat(all.getString("worker_id")).isEqualTo("w1");
    assertThat(all.getString("state")).isEqualTo("TASK_STATE_RUNNING");
    assertThat(data(all)).containsExactly("hello from logs/task-0 on w1", "step 1 of 2 done",
        "warning: this is a fake worker");
    assertThat(data(c.get("/api/jobs/logs/tasks/0/logs?regex=step%7Cwarn").json()))
        .containsExactly("step 1 of 2 done", "warning: this is a fake worker");
    assertThat(data(c.get("/api/jobs/logs/tasks/0/logs?start_line=-1").json()))
        .containsExactly("warning: this is a fake worker");
    w.log("logs/task-0", "stdout", "step 2 of 2 done");
    eventually(() -> data(c.get("/api/jobs/logs/tasks/0/logs?start_line=3").json()).equals(List.of("step 2 of 2 done")));
    assertThat(c.get("/api/jobs/logs/tasks/0/logs?regex=(").status()).isEqualTo(400);
    assertThat(c.get("/api/jobs/logs/tasks/7/logs").status()).isEqualTo(404);

    c.launch("waiting", 1, 64); // no worker is big enough
    JsonObject none = c.get("/api/jobs/waiting/tasks/0/logs").json();
    assertThat(none.getJsonArray("logs")).isEmpty();
    assertThat(none.getString("message")).contains("not started");
  }

  /** The kill goes the CLI's TerminateJob way: the same checks, the same store command, the same metrics. */
  @Test
  void killEndsAJobAndItsChildren() throws Exception {
    LoggingFakeWorker w = c.worker("w1", 4, r -> null);
    c.launch("victim", 2, 1);
    c.launch(DashboardCluster.launchRequest("kid", 1, 1).toBuilder().setParentJobId("victim").build());
    eventually(() -> c.status("victim").getTasksRunning() == 2 && c.status("victim/kid").getTasksRunning() == 1);
    DashboardCluster.Reply r = c.send(HttpMethod.POST, "/api/jobs/victim/kill");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getString("state")).isEqualTo("JOB_STATE_KILLED");
    assertThat(c.status("victim/kid").getState()).isEqualTo(JobState.JOB_STATE_KILLED);
    eventually(() -> w.kills.stream().map(k -> k.getTaskId()).distinct().count() == 3);
    assertThat(c.send(HttpMethod.POST, "/api/jobs/ghost/kill").status()).isEqualTo(404);
    assertThat(c.send(HttpMethod.POST, "/api/jobs/victim/kill").status()).isEqualTo(200); // already finished
    assertThat(c.send(HttpMethod.POST, "/api/jobs/-x/kill").status()).isEqualTo(400);
    String metrics = c.get("/metrics").body();
    assertThat(metrics).contains("iris_rpc_seconds_count{method=\"TerminateJob\",status=\"OK\"} 2")
        .contains("iris_rpc_seconds_count{method=\"TerminateJob\",status=\"NOT_FOUND\"} 1")
        .contains("iris_rpc_seconds_count{method=\"TerminateJob\",status=\"INVALID_ARGUMENT\"} 1");
  }

  /** A page of another site cannot kill through the user's browser, nor read the live feed. */
  @Test
  void crossOriginKillsAndFeedsAreRefused() throws Exception {
    c.worker("w1", 4, r -> null);
    c.launch("target", 1, 1);
    eventually(() -> c.status("target").getTasksRunning() == 1);
    io.vertx.core.MultiMap evil = io.vertx.core.MultiMap.caseInsensitiveMultiMap()
        .add("origin", "https://evil.example").add("content-type", "text/plain");
    DashboardCluster.Reply refused = c.send(c.port(), HttpMethod.POST, "/api/jobs/target/kill", evil);
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.json().getString("error")).startsWith("cross-origin request refused: POST /api/jobs/target/kill");
    assertThat(c.status("target").getState()).isEqualTo(JobState.JOB_STATE_RUNNING);
    io.vertx.core.MultiMap sandboxed = io.vertx.core.MultiMap.caseInsensitiveMultiMap().add("origin", "null");
    assertThat(c.send(c.port(), HttpMethod.POST, "/api/jobs/target/kill", sandboxed).status()).isEqualTo(403);

    io.vertx.core.MultiMap own = io.vertx.core.MultiMap.caseInsensitiveMultiMap()
        .add("origin", "http://127.0.0.1:" + c.port());
    assertThat(c.send(c.port(), HttpMethod.POST, "/api/jobs/target/kill", own).status()).isEqualTo(200);

    WebSocketClient client = c.vertx.createWebSocketClient();
    io.vertx.core.http.WebSocketConnectOptions foreign = new io.vertx.core.http.WebSocketConnectOptions()
        .setPort(c.port()).setHost("127.0.0.1").setURI("/api/feed?from=0").addHeader("origin", "https://evil.example");
    assertThatThrownBy(() -> await(client.connect(foreign))).hasMessageContaining("403");
    io.vertx.core.http.WebSocketConnectOptions mine = new io.vertx.core.http.WebSocketConnectOptions()
        .setPort(c.port()).setHost("127.0.0.1").setURI("/api/feed?from=0")
        .addHeader("origin", "http://127.0.0.1:" + c.port());
    await(await(client.connect(mine)).close());
  }

  @Test
  void pagesAndAnswersCarryTheBrowserGuards() throws Exception {
    for (String path : List.of("/", "/index.html", "/api/jobs")) {
      DashboardCluster.Reply r = c.get(path);
      assertThat(r.headers().get("content-security-policy")).as(path).contains("default-src 'self'")
          .contains("frame-ancestors 'none'");
      assertThat(r.headers().get("x-content-type-options")).as(path).isEqualTo("nosniff");
    }
  }

  @Test
  void workersEndpointsAndTheActionLog() throws Exception {
    c.worker("w1", 8, r -> null);
    c.launch("svc", 2, 3);
    eventually(() -> c.status("svc").getTasksRunning() == 2);
    await(c.bus.registerEndpoint(Controller.RegisterEndpointRequest.newBuilder().setName("svc/http")
        .setAddress("10.0.0.1:8080").setJobId("svc").build()));

    JsonObject w = c.get("/api/workers").json().getJsonArray("workers").getJsonObject(0);
    assertThat(w.getString("worker_id")).isEqualTo("w1");
    assertThat(w.getBoolean("healthy")).isTrue();
    assertThat(w.getBoolean("alive")).isTrue();
    assertThat(w.getInteger("committed_cpu")).isEqualTo(6);
    assertThat(w.getJsonObject("metadata").getInteger("cpu_count")).isEqualTo(8);
    assertThat(w.getJsonObject("metadata").getJsonObject("attributes").getString("zone")).isEqualTo("test-a");
    assertThat(w.getJsonArray("running_task_ids").getList()).containsExactlyInAnyOrder("svc/task-0", "svc/task-1");

    JsonObject e = c.get("/api/endpoints").json().getJsonArray("endpoints").getJsonObject(0);
    assertThat(e.getString("name")).isEqualTo("svc/http");
    assertThat(e.getString("address")).isEqualTo("10.0.0.1:8080");

    JsonArray actions = c.get("/api/events?limit=5").json().getJsonArray("events");
    assertThat(actions.getJsonObject(0).getString("action")).isEqualTo("job submitted");
    assertThat(actions.getJsonObject(0).getString("subject")).isEqualTo("svc");
    assertThat(actions.getJsonObject(1).getString("action")).isEqualTo("worker registered");
    assertThat(c.get("/api/nothing").status()).isEqualTo(404);
  }

  @Test
  void frontEndIsServedAndJobLinksRedirectToTheApp() throws Exception {
    DashboardCluster.Reply index = c.get("/");
    assertThat(index.status()).isEqualTo(200);
    assertThat(index.body()).contains("<title>Iris").contains("type=\"module\"");
    assertThat(c.get("/app.js").status()).isEqualTo(200);
    assertThat(c.get("/styles.css").body()).contains(".status-assigned");
    DashboardCluster.Reply link = c.get("/jobs/train/eval");
    assertThat(link.status()).isEqualTo(302);
    assertThat(c.get("/health").json().getString("status")).isEqualTo("ok");
    // without authentication nobody signs in: every caller is the anonymous admin
    assertThat(c.get("/api/whoami").json()).isEqualTo(new JsonObject().put("user", "anonymous").put("role", "admin")
        .put("authenticated", false));
    assertThat(c.get("/login.html").status()).isEqualTo(200);
  }

  @Test
  void feedReplaysFromASequenceThenStreamsLiveAndLetsGoOnClose() throws Exception {
    c.worker("w1", 4, r -> TaskState.TASK_STATE_SUCCEEDED);
    c.launch("before", 1, 1);
    eventually(() -> c.status("before").getState() == JobState.JOB_STATE_SUCCEEDED);

    WebSocketClient client = c.vertx.createWebSocketClient();
    List<JsonObject> frames = new CopyOnWriteArrayList<>();
    WebSocket ws = open(client, "/api/feed?from=0", frames);
    eventually(() -> events(frames).stream().anyMatch(e -> e.getString("job_state", "").equals("JOB_STATE_SUCCEEDED")));
    assertThat(frames.get(0).getString("type")).isEqualTo("hello");
    assertThat(frames.get(0).getBoolean("reset")).isFalse();
    List<JsonObject> replayed = events(frames);
    assertThat(replayed.get(0).getString("kind")).isEqualTo("EVENT_KIND_WORKER_REGISTERED");
    assertThat(replayed).anyMatch(e -> e.getString("kind").equals("EVENT_KIND_JOB_SUBMITTED")
        && e.getString("job_id").equals("before"));
    for (int i = 1; i < replayed.size(); i++) {
      assertThat(Long.parseLong(replayed.get(i).getString("sequence")))
          .isEqualTo(Long.parseLong(replayed.get(i - 1).getString("sequence")) + 1);
    }
    assertThat(c.get("/api/feed/status").json().getInteger("open_feeds")).isEqualTo(1);

    long t0 = System.nanoTime();
    c.launch("live", 1, 1);
    eventually(() -> events(frames).stream().anyMatch(e -> e.getString("job_id", "").equals("live")));
    assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(2_000);

    // a reconnect from the last sequence seen replays only what came after it
    eventually(() -> c.status("live").getState() == JobState.JOB_STATE_SUCCEEDED);
    long lastSeen = events(frames).stream().filter(e -> e.getString("kind").equals("EVENT_KIND_JOB_SUBMITTED")
        && e.getString("job_id").equals("live")).mapToLong(e -> Long.parseLong(e.getString("sequence"))).findFirst()
        .orElseThrow();
    List<JsonObject> again = new CopyOnWriteArrayList<>();
    WebSocket ws2 = open(client, "/api/feed?from=" + lastSeen, again);
    eventually(() -> events(again).stream().anyMatch(e -> e.getString("job_state", "").equals("JOB_STATE_SUCCEEDED")));
    assertThat(Long.parseLong(events(again).get(0).getString("sequence"))).isEqualTo(lastSeen + 1);

    // a sequence from the future (another controller run) asks the page to reload
    List<JsonObject> future = new CopyOnWriteArrayList<>();
    WebSocket ws3 = open(client, "/api/feed?from=999999", future);
    eventually(() -> !future.isEmpty());
    assertThat(future.get(0).getBoolean("reset")).isTrue();

    await(ws.close());
    await(ws2.close());
    await(ws3.close());
    eventually(() -> c.get("/api/feed/status").json().getInteger("open_feeds") == 0);
  }

  /** Connects and listens from the start: the handler is set on the event loop before any frame arrives. */
  private WebSocket open(WebSocketClient client, String uri, List<JsonObject> frames) throws Exception {
    return await(client.connect(c.port(), "127.0.0.1", uri)
        .onSuccess(ws -> ws.textMessageHandler(t -> frames.add(new JsonObject(t)))));
  }

  private static List<String> ids(JsonObject page) {
    return page.getJsonArray("jobs").stream().map(o -> ((JsonObject) o).getString("job_id")).toList();
  }

  private static List<String> data(JsonObject logs) {
    return logs.getJsonArray("logs").stream().map(o -> ((JsonObject) o).getString("data")).toList();
  }

  private static List<JsonObject> events(List<JsonObject> frames) {
    return frames.stream().filter(f -> "events".equals(f.getString("type")))
        .flatMap(f -> f.getJsonArray("events").stream().map(o -> (JsonObject) o)).toList();
  }
}
