package dev.iris.dashboard;

import static dev.iris.dashboard.DashboardCluster.await;
import static dev.iris.dashboard.DashboardCluster.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iris.controller.ControllerAuth;
import dev.iris.core.auth.Caller;
import dev.iris.core.auth.Role;
import dev.iris.core.auth.TokenBook;
import dev.iris.link.WorkerServiceBinding;
import dev.iris.rpc.EnvironmentConfig;
import dev.iris.rpc.JobState;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every controller HTTP route with authentication on, over plain HTTP: without a credential (401; a page
 * redirects to the login page; /health stays open), with a wrong token (401), as a viewer (reads, kills
 * nothing, sees no variables), as another user (kills nothing of alice's, sees none of her variables), as the
 * owner and the admin; the login cookie works as the header does, a page of another site cannot use it, and
 * logging out clears it.
 */
class DashboardAuthTest {
  static final String ADMIN = "admin-token-0123456789abcdef";
  static final String ALICE = "alice-token-0123456789abcdef";
  static final String BOB = "bob-token-0123456789abcdef";
  static final String VERA = "vera-token-0123456789abcdef";
  static final String WORKER = "worker-token-0123456789abcdef";
  /** A token with what a cookie value may not hold. */
  static final String CAROL = "carol;token,\"0123456789\\%zz+";
  private static final String ALICE_SECRET = "alice-s3cret";
  /** Every route that reads, with the job of alice's it reads. */
  private static final List<String> READS = List.of("/api/jobs", "/api/jobs/alice-job",
      "/api/jobs/alice-job/tasks/0/logs", "/api/workers", "/api/endpoints", "/api/events", "/api/feed/status",
      "/api/controller",
      "/api/whoami", "/metrics", "/workers/w1/metrics");
  private static final List<String> PAGES = List.of("/", "/index.html", "/app.js", "/jobs/alice-job");
  private DashboardCluster c;
  private WebSocketClient ws;

  /** A users file's worth of tokens: the admin, two users, a viewer, a worker. */
  static ControllerAuth auth() {
    return ControllerAuth.of(ADMIN, List.of(new TokenBook.Grant(ALICE, Caller.of("alice", Role.USER)),
        new TokenBook.Grant(BOB, Caller.of("bob", Role.USER)), new TokenBook.Grant(VERA, Caller.of("vera", Role.VIEWER)),
        new TokenBook.Grant(WORKER, Caller.of("w1", Role.WORKER)),
        new TokenBook.Grant(CAROL, Caller.of("carol", Role.VIEWER))));
  }

  @BeforeEach
  void start() throws Exception {
    c = new DashboardCluster(auth());
    ws = c.vertx.createWebSocketClient();
    c.worker("w1", 8, r -> null);
    // the metrics of a worker in the controller's process (as iris local's are)
    c.vertx.eventBus().<String>consumer(WorkerServiceBinding.metricsAddress("w1"), m -> m.reply("iris_fake 1\n"));
    launchAs(ALICE, "alice-job", ALICE_SECRET);
    launchAs(BOB, "bob-job", "bob-s3cret");
    eventually(() -> c.status("alice-job").getTasksRunning() == 1 && c.status("bob-job").getTasksRunning() == 1);
  }

  @AfterEach
  void stop() throws Exception {
    c.close();
  }

  @Test
  void withoutACredentialApiCallsAre401PagesGoToTheLoginPageAndHealthStaysOpen() throws Exception {
    for (String uri : READS) {
      DashboardCluster.Reply r = c.get(uri);
      assertThat(r.status()).as(uri).isEqualTo(401);
      assertThat(r.json().getString("error")).as(uri).startsWith("no credential");
    }
    for (String uri : PAGES) {
      DashboardCluster.Reply r = c.get(uri);
      assertThat(r.status()).as(uri).isEqualTo(302);
      assertThat(r.headers().get("location")).as(uri).startsWith("/login.html?next=");
    }
    assertThat(c.get("/jobs/alice-job?task=0").headers().get("location"))
        .isEqualTo("/login.html?next=%2Fjobs%2Falice-job%3Ftask%3D0");
    assertThat(c.send(HttpMethod.POST, "/api/jobs/alice-job/kill").status()).isEqualTo(401);
    assertThat(c.status("alice-job").getState()).isEqualTo(JobState.JOB_STATE_RUNNING);
    assertThatThrownBy(() -> feed(MultiMap.caseInsensitiveMultiMap().add("origin", ownOrigin())))
        .hasMessageContaining("401");

    DashboardCluster.Reply health = c.get("/health");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json().getBoolean("authenticated")).isTrue();
    assertThat(health.json().getBoolean("exposed")).isFalse();
    // the login page and what it needs, and only that
    assertThat(c.get("/login.html").body()).contains("type=\"password\"").contains("src=\"/login.js\"");
    assertThat(c.get("/login.js").status()).isEqualTo(200);
    assertThat(c.get("/styles.css").status()).isEqualTo(200);
    assertThat(c.get("/lib/api.js").status()).isEqualTo(302);
    assertThat(c.get("/api/login").status()).isEqualTo(401); // only POST is open
  }

  @Test
  void aWrongTokenIs401() throws Exception {
    for (MultiMap wrong : List.of(bearer("not-a-token-of-this-cluster"), cookie("not-a-token-of-this-cluster"),
        MultiMap.caseInsensitiveMultiMap().add("authorization", "Basic " + ALICE))) {
      for (String uri : READS) {
        DashboardCluster.Reply r = send(HttpMethod.GET, uri, wrong);
        assertThat(r.status()).as(uri + " " + wrong).isEqualTo(401);
        assertThat(r.json().getString("error")).as(uri).doesNotContain(ALICE);
      }
      for (String uri : PAGES) {
        assertThat(send(HttpMethod.GET, uri, wrong).status()).as(uri).isEqualTo(302);
      }
      assertThat(send(HttpMethod.POST, "/api/jobs/alice-job/kill", wrong).status()).isEqualTo(401);
    }
    assertThat(c.get("/health").status()).isEqualTo(200);
    DashboardCluster.Reply login = login("not-a-token-of-this-cluster");
    assertThat(login.status()).isEqualTo(401);
    assertThat(login.json().getString("error")).isEqualTo("invalid token: it is not a token of this cluster");
    assertThat(login.headers().getAll("set-cookie")).isEmpty();
    assertThat(c.status("alice-job").getState()).isEqualTo(JobState.JOB_STATE_RUNNING);
  }

  @Test
  void aViewerReadsEverythingSeesNoVariablesAndKillsNothing() throws Exception {
    for (String uri : READS) {
      assertThat(send(HttpMethod.GET, uri, bearer(VERA)).status()).as(uri).isEqualTo(200);
    }
    for (String uri : List.of("/", "/index.html")) {
      assertThat(send(HttpMethod.GET, uri, bearer(VERA)).status()).as(uri).isEqualTo(200);
    }
    assertThat(whoami(bearer(VERA))).isEqualTo(new JsonObject().put("user", "vera").put("role", "viewer")
        .put("authenticated", true));
    JsonObject job = send(HttpMethod.GET, "/api/jobs/alice-job", bearer(VERA)).json().getJsonObject("job");
    assertThat(job.getBoolean("env_redacted")).isTrue();
    assertThat(job.getJsonObject("env_vars").getString("SECRET")).isEqualTo("<redacted>");
    assertThat(job.getString("user")).isEqualTo("alice");
    assertThat(send(HttpMethod.GET, "/api/jobs", bearer(VERA)).body()).doesNotContain(ALICE_SECRET);

    DashboardCluster.Reply kill = send(HttpMethod.POST, "/api/jobs/alice-job/kill", bearer(VERA));
    assertThat(kill.status()).isEqualTo(403);
    assertThat(kill.json().getString("error")).isEqualTo("viewer 'vera' may not change job 'alice-job'");
    assertThat(c.status("alice-job").getState()).isEqualTo(JobState.JOB_STATE_RUNNING);
  }

  @Test
  void aUserKillsOnlyItsOwnJobsAndSeesOnlyItsOwnVariables() throws Exception {
    JsonObject alices = send(HttpMethod.GET, "/api/jobs/alice-job", bearer(BOB)).json().getJsonObject("job");
    assertThat(alices.getBoolean("env_redacted")).isTrue();
    assertThat(alices.getJsonObject("env_vars").getString("SECRET")).isEqualTo("<redacted>");
    JsonObject own = send(HttpMethod.GET, "/api/jobs/bob-job", bearer(BOB)).json().getJsonObject("job");
    assertThat(own.getJsonObject("env_vars").getString("SECRET")).isEqualTo("bob-s3cret");
    assertThat(own.getBoolean("env_redacted", false)).isFalse();
    String list = send(HttpMethod.GET, "/api/jobs", bearer(BOB)).body();
    assertThat(list).doesNotContain(ALICE_SECRET).contains("bob-s3cret");

    DashboardCluster.Reply refused = send(HttpMethod.POST, "/api/jobs/alice-job/kill", bearer(BOB));
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.json().getString("error")).isEqualTo("user 'bob' may not change job 'alice-job': it belongs to 'alice'");
    assertThat(c.status("alice-job").getState()).isEqualTo(JobState.JOB_STATE_RUNNING);

    // the owner, and the admin
    for (String uri : READS) {
      assertThat(send(HttpMethod.GET, uri, bearer(ALICE)).status()).as(uri).isEqualTo(200);
      assertThat(send(HttpMethod.GET, uri, bearer(ADMIN)).status()).as(uri).isEqualTo(200);
    }
    assertThat(send(HttpMethod.GET, "/api/jobs/alice-job", bearer(ALICE)).json().getJsonObject("job")
        .getJsonObject("env_vars").getString("SECRET")).isEqualTo(ALICE_SECRET);
    assertThat(send(HttpMethod.GET, "/api/jobs/alice-job", bearer(ADMIN)).json().getJsonObject("job")
        .getJsonObject("env_vars").getString("SECRET")).isEqualTo(ALICE_SECRET);
    assertThat(send(HttpMethod.GET, "/metrics", bearer(ALICE)).body()).contains("iris_rpc_seconds_count");
    assertThat(send(HttpMethod.GET, "/workers/w1/metrics", bearer(ALICE)).body()).isEqualTo("iris_fake 1\n");
    DashboardCluster.Reply killed = send(HttpMethod.POST, "/api/jobs/alice-job/kill", bearer(ALICE));
    assertThat(killed.status()).isEqualTo(200);
    assertThat(killed.json().getString("state")).isEqualTo("JOB_STATE_KILLED");
    assertThat(send(HttpMethod.POST, "/api/jobs/bob-job/kill", bearer(ADMIN)).status()).isEqualTo(200);
  }

  @Test
  void aWorkerTokenIsNoDashboardToken() throws Exception {
    assertThat(whoami(bearer(WORKER)).getString("role")).isEqualTo("worker");
    DashboardCluster.Reply jobs = send(HttpMethod.GET, "/api/jobs", bearer(WORKER));
    assertThat(jobs.status()).isEqualTo(403);
    assertThat(jobs.json().getString("error")).isEqualTo("worker 'w1' may not read the cluster's jobs, workers and events");
    assertThat(send(HttpMethod.POST, "/api/jobs/alice-job/kill", bearer(WORKER)).status()).isEqualTo(403);
    assertThat(send(HttpMethod.GET, "/metrics", bearer(WORKER)).status()).as("metrics describe the cluster")
        .isEqualTo(403);
    assertThat(send(HttpMethod.GET, "/workers/w1/metrics", bearer(WORKER)).status()).isEqualTo(403);
    DashboardCluster.Reply login = login(WORKER);
    assertThat(login.status()).isEqualTo(403);
    assertThat(login.headers().getAll("set-cookie")).isEmpty();
  }

  @Test
  void theLoginCookieWorksAsTheHeaderDoes() throws Exception {
    DashboardCluster.Reply login = login(BOB);
    assertThat(login.status()).isEqualTo(200);
    assertThat(login.json()).isEqualTo(new JsonObject().put("user", "bob").put("role", "user"));
    String setCookie = login.headers().get("set-cookie");
    assertThat(setCookie).startsWith("iris_token=" + BOB + ";");
    assertThat(attributes(setCookie)).contains("httponly", "samesite=strict", "path=/").doesNotContain("secure");
    MultiMap session = cookie(BOB);

    for (String uri : READS) {
      DashboardCluster.Reply byCookie = send(HttpMethod.GET, uri, session);
      assertThat(byCookie.status()).as(uri).isEqualTo(send(HttpMethod.GET, uri, bearer(BOB)).status()).isEqualTo(200);
    }
    for (String uri : List.of("/", "/index.html")) {
      assertThat(send(HttpMethod.GET, uri, session).status()).as(uri).isEqualTo(200);
    }
    assertThat(whoami(session)).isEqualTo(new JsonObject().put("user", "bob").put("role", "user")
        .put("authenticated", true));
    assertThat(send(HttpMethod.GET, "/api/jobs/alice-job", session).body()).doesNotContain(ALICE_SECRET);
    MultiMap fromThePage = cookie(BOB).add("origin", ownOrigin());
    assertThat(send(HttpMethod.POST, "/api/jobs/alice-job/kill", fromThePage).status()).isEqualTo(403);
    assertThat(send(HttpMethod.POST, "/api/jobs/bob-job/kill", fromThePage).status()).isEqualTo(200);
    assertThat(c.status("alice-job").getState()).isEqualTo(JobState.JOB_STATE_RUNNING);

    // the token as JSON, as the login page sends it; a header, when both come, is what counts
    DashboardCluster.Reply json = send(HttpMethod.POST, "/api/login", jsonBody().add("origin", ownOrigin()),
        new JsonObject().put("token", VERA).encode());
    assertThat(json.json().getString("user")).isEqualTo("vera");
    assertThat(whoami(cookie(VERA).addAll(bearer(ALICE))).getString("user")).isEqualTo("alice");
    assertThat(send(HttpMethod.POST, "/api/login", jsonBody(), "{\"token\": ").status()).isEqualTo(400);
    assertThat(send(HttpMethod.POST, "/api/login", jsonBody(), "x".repeat(10_000)).status()).isEqualTo(413);
    assertThat(login("").json().getString("error")).startsWith("no token");

    // a token with characters a cookie cannot hold as they are: what the browser sends back still works
    String carols = login(CAROL).headers().get("set-cookie");
    String sent = carols.substring(0, carols.indexOf(';'));
    assertThat(whoami(MultiMap.caseInsensitiveMultiMap().add("cookie", sent)).getString("user")).isEqualTo("carol");
    assertThat(send(HttpMethod.GET, "/api/jobs", MultiMap.caseInsensitiveMultiMap().add("cookie", "iris_token=%zz"))
        .status()).isEqualTo(401);
  }

  @Test
  void aPageOfAnotherSiteCannotUseTheCookie() throws Exception {
    MultiMap evil = cookie(ADMIN).add("origin", "https://evil.example");
    DashboardCluster.Reply kill = send(HttpMethod.POST, "/api/jobs/alice-job/kill", evil);
    assertThat(kill.status()).isEqualTo(403);
    assertThat(kill.json().getString("error")).startsWith("cross-origin request refused");
    assertThat(c.status("alice-job").getState()).isEqualTo(JobState.JOB_STATE_RUNNING);
    // nor sign the browser in with a token of its choosing, nor out
    assertThat(send(HttpMethod.POST, "/api/login", MultiMap.caseInsensitiveMultiMap()
        .add("origin", "https://evil.example"), VERA).status()).isEqualTo(403);
    assertThat(send(HttpMethod.POST, "/api/logout", evil).status()).isEqualTo(403);

    // the live feed: refused from another site even with the cookie, and from this one without a credential
    assertThatThrownBy(() -> feed(evil)).hasMessageContaining("403");
    assertThatThrownBy(() -> feed(MultiMap.caseInsensitiveMultiMap().add("origin", ownOrigin())))
        .hasMessageContaining("401");
    assertThatThrownBy(() -> feed(cookie("not-a-token-of-this-cluster").add("origin", ownOrigin())))
        .hasMessageContaining("401");
    List<String> frames = new CopyOnWriteArrayList<>();
    WebSocket mine = await(ws.connect(feedOptions(cookie(VERA).add("origin", ownOrigin())))
        .onSuccess(s -> s.textMessageHandler(frames::add)));
    eventually(() -> !frames.isEmpty());
    assertThat(new JsonObject(frames.get(0)).getString("type")).isEqualTo("hello");
    await(mine.close());
  }

  @Test
  void logoutClearsTheCookie() throws Exception {
    DashboardCluster.Reply out = send(HttpMethod.POST, "/api/logout", cookie(ALICE).add("origin", ownOrigin()));
    assertThat(out.status()).isEqualTo(200);
    String cleared = out.headers().get("set-cookie");
    assertThat(cleared).startsWith("iris_token=;");
    assertThat(attributes(cleared)).contains("max-age=0", "httponly", "samesite=strict", "path=/");
    // what the browser sends after: no cookie, so the login page again
    assertThat(c.get("/").status()).isEqualTo(302);
    assertThat(c.get("/api/jobs").status()).isEqualTo(401);
  }

  // ------------------------------------------------------------------ helpers

  private void launchAs(String token, String name, String secret) throws Exception {
    await(c.as(token).launchJob(DashboardCluster.launchRequest(name, 1, 1).toBuilder()
        .setEnvironment(EnvironmentConfig.newBuilder().putEnvVars("SECRET", secret)).build()));
  }

  private DashboardCluster.Reply send(HttpMethod method, String uri, MultiMap headers) throws Exception {
    return c.send(c.port(), method, uri, headers);
  }

  private DashboardCluster.Reply send(HttpMethod method, String uri, MultiMap headers, String body) throws Exception {
    return c.send(c.port(), method, uri, headers, body);
  }

  private DashboardCluster.Reply login(String token) throws Exception {
    return send(HttpMethod.POST, "/api/login", MultiMap.caseInsensitiveMultiMap().add("content-type", "text/plain"),
        token);
  }

  private JsonObject whoami(MultiMap headers) throws Exception {
    DashboardCluster.Reply r = send(HttpMethod.GET, "/api/whoami", headers);
    assertThat(r.status()).isEqualTo(200);
    return r.json();
  }

  private WebSocket feed(MultiMap headers) throws Exception {
    return await(ws.connect(feedOptions(headers)));
  }

  private WebSocketConnectOptions feedOptions(MultiMap headers) {
    WebSocketConnectOptions o = new WebSocketConnectOptions().setPort(c.port()).setHost("127.0.0.1")
        .setURI("/api/feed?from=0");
    headers.forEach(h -> o.addHeader(h.getKey(), h.getValue()));
    return o;
  }

  private String ownOrigin() {
    return "http://127.0.0.1:" + c.port();
  }

  private static MultiMap bearer(String token) {
    return MultiMap.caseInsensitiveMultiMap().add("authorization", "Bearer " + token);
  }

  private static MultiMap cookie(String token) {
    return MultiMap.caseInsensitiveMultiMap().add("cookie", "iris_token=" + token);
  }

  private static MultiMap jsonBody() {
    return MultiMap.caseInsensitiveMultiMap().add("content-type", "application/json");
  }

  /** A Set-Cookie header's attributes, lower case, without the name=value that leads it. */
  private static List<String> attributes(String setCookie) {
    return java.util.Arrays.stream(setCookie.split(";")).skip(1).map(a -> a.trim().toLowerCase(Locale.ROOT)).toList();
  }
}
