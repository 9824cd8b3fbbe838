package dev.iris.dashboard;

import static dev.iris.dashboard.DashboardCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.client.IrisClient;
import dev.iris.client.JobRequest;
import dev.iris.testing.RestartableCluster;
import dev.iris.worker.Poll;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's feed across a restart of a durable controller, on the wire: the open socket is closed when the
 * controller stops, and a socket opened from the last sequence seen after it started again is told no reset and
 * gets exactly the events after that sequence, those committed since the restart included.
 */
class LiveFeedAcrossRestartTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void aFeedResumesAfterTheLastSequenceSeenOnARestartedController() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (RestartableCluster c = new RestartableCluster().startController();
        IrisClient iris = IrisClient.remote(c.address(), c.token())) {
      WebSocketClient client = vertx.createWebSocketClient();
      iris.submit(JobRequest.command("true").name("before").cpu(0)); // no worker: it stays pending
      List<JsonObject> first = new CopyOnWriteArrayList<>();
      AtomicBoolean closed = new AtomicBoolean();
      WebSocket ws = open(client, c, "/api/feed?from=0", first);
      ws.closeHandler(v -> closed.set(true));
      Poll.until(WAIT, "the job's submission", () -> submitted(first, "before"));
      assertThat(first.get(0).getString("type")).isEqualTo("hello");
      long lastSeen = Long.parseLong(events(first).get(events(first).size() - 1).getString("sequence"));

      c.stopController();
      Poll.until(WAIT, "the socket closed by the stopping controller", closed::get);
      c.startController();
      iris.submit(JobRequest.command("true").name("after").cpu(0));

      List<JsonObject> resumed = new CopyOnWriteArrayList<>();
      WebSocket again = open(client, c, "/api/feed?from=" + lastSeen, resumed);
      Poll.until(WAIT, "the job submitted after the restart", () -> submitted(resumed, "after"));
      assertThat(resumed.get(0).getString("type")).isEqualTo("hello");
      assertThat(resumed.get(0).getBoolean("reset")).as("the sequence survived: no reload").isFalse();
      List<JsonObject> events = events(resumed);
      assertThat(Long.parseLong(events.get(0).getString("sequence"))).isEqualTo(lastSeen + 1);
      for (int i = 1; i < events.size(); i++) {
        assertThat(Long.parseLong(events.get(i).getString("sequence")))
            .isEqualTo(Long.parseLong(events.get(i - 1).getString("sequence")) + 1);
      }
      assertThat(events).noneMatch(e -> "before".equals(e.getString("job_id")));
      await(again.close());
    } finally {
      await(vertx.close());
    }
  }

  private static WebSocket open(WebSocketClient client, RestartableCluster c, String uri, List<JsonObject> frames)
      throws Exception {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(c.port())
        .setURI(uri).addHeader("authorization", "Bearer " + c.token());
    return await(client.connect(options).onSuccess(ws -> ws.textMessageHandler(t -> frames.add(new JsonObject(t)))));
  }

  private static boolean submitted(List<JsonObject> frames, String job) {
    return events(frames).stream().anyMatch(e -> "EVENT_KIND_JOB_SUBMITTED".equals(e.getString("kind"))
        && job.equals(e.getString("job_id")));
  }

  private static List<JsonObject> events(List<JsonObject> frames) {
    return frames.stream().filter(f -> "events".equals(f.getString("type")))
        .flatMap(f -> f.getJsonArray("events").stream().map(o -> (JsonObject) o)).toList();
  }
}
