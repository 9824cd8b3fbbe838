package dev.iris.dashboard;

import dev.iris.controller.EventReplay;
import dev.iris.controller.ProtoMapper;
import dev.iris.controller.StoreQuery;
import dev.iris.controller.state.StoreEvent;
import dev.iris.web.ProtoJson;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's WebSocket feed of committed events, through an {@link EventReplay}. A browser connects
 * with {@code ?from=SEQ}: it gets a {@code hello} frame with the current sequence, the retained events after
 * SEQ, then live ones, batched into {@code events} frames every {@value #FLUSH_MS} ms (or every
 * {@value #MAX_BATCH} events). When SEQ is too old (no longer retained, or more than {@value #MAX_REPLAY}
 * behind) or from another controller run, {@code hello} says {@code reset}: the page reloads its data
 * instead of replaying. A socket whose writes back up is closed so the browser reconnects from its last
 * sequence. The event-bus consumer lives exactly as long as its socket.
 */
final class LiveFeed {
  static final int MAX_REPLAY = 10_000;
  static final long FLUSH_MS = 25;
  static final int MAX_BATCH = 1000;
  private static final Logger LOG = LoggerFactory.getLogger(LiveFeed.class);
  private final Vertx vertx;
  private final EventReplay replay;
  private int open;

  LiveFeed(Vertx vertx, EventReplay replay) {
    this.vertx = vertx;
    this.replay = replay;
  }

  /** Feeds currently open (their consumers registered). */
  int openFeeds() {
    return open;
  }

  void start(ServerWebSocket ws, long from) {
    new Session(ws).begin(from);
  }

  private final class Session implements EventReplay.Listener {
    private final ServerWebSocket ws;
    private final List<String> batch = new ArrayList<>();
    private EventReplay.Subscription subscription;
    private long last;
    private boolean closed;
    private long flushTimer = -1;

    Session(ServerWebSocket ws) {
      this.ws = ws;
    }

    void begin(long from) {
      open++;
      ws.closeHandler(v -> close());
      ws.exceptionHandler(t -> close());
      ws.textMessageHandler(text -> { }); // the browser has nothing to say; ignore pings from scripts
      subscription = replay.follow(new StoreQuery.ReplayEvents(from, null, MAX_REPLAY, true), this);
    }

    @Override
    public void started(StoreQuery.Replay start) {
      send(new JsonObject().put("type", "hello").put("sequence", start.lastSequence()).put("reset", start.reset())
          .encode());
    }

    @Override
    public void event(StoreEvent e) {
      if (closed) {
        return;
      }
      last = e.sequence();
      batch.add(ProtoJson.text(ProtoMapper.event(e)));
      if (batch.size() >= MAX_BATCH) {
        flush();
      } else if (flushTimer < 0) {
        flushTimer = vertx.setTimer(FLUSH_MS, t -> {
          flushTimer = -1;
          flush();
        });
      }
    }

    @Override
    public void caughtUp() {
      flush();
    }

    @Override
    public void failed(Throwable cause) {
      LOG.warn("feed could not start: {}", cause.getMessage());
      ws.close((short) 1011, "feed could not start");
      close();
    }

    private void flush() {
      if (closed || batch.isEmpty()) {
        return;
      }
      StringBuilder sb = new StringBuilder(64 + batch.size() * 200);
      sb.append("{\"type\":\"events\",\"sequence\":").append(last).append(",\"events\":[");
      for (int i = 0; i < batch.size(); i++) {
        sb.append(i == 0 ? "" : ",").append(batch.get(i));
      }
      batch.clear();
      send(sb.append("]}").toString());
    }

    private void send(String text) {
      if (closed) {
        return;
      }
      if (ws.writeQueueFull()) {
        ws.close((short) 1013, "fell behind; reconnect from the last sequence seen");
        close();
        return;
      }
      ws.writeTextMessage(text).onFailure(t -> close());
    }

    private void close() {
      if (closed) {
        return;
      }
      closed = true;
      open--;
      if (flushTimer >= 0) {
        vertx.cancelTimer(flushTimer);
      }
      batch.clear();
      subscription.close();
    }
  }
}
