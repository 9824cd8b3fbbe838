package dev.iris.dashboard;

import dev.iris.common.LocalCodec;
import dev.iris.controller.Addresses;
import dev.iris.controller.ProtoMapper;
import dev.iris.controller.StoreClient;
import dev.iris.controller.StoreQuery;
import dev.iris.controller.state.StoreEvent;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's WebSocket feed of committed events. A browser connects with {@code ?from=SEQ}: it gets a
 * {@code hello} frame with the current sequence, the retained events after SEQ, then live ones, batched
 * into {@code events} frames every {@value #FLUSH_MS} ms. When SEQ is too old (no longer retained, or more
 * than {@value #MAX_REPLAY} behind) or from another controller run, {@code hello} says {@code reset}: the
 * page reloads its data instead of replaying. A socket whose writes back up is closed so the browser
 * reconnects from its last sequence. The event-bus consumer lives exactly as long as its socket.
 */
final class LiveFeed {
  static final int MAX_REPLAY = 10_000;
  static final long FLUSH_MS = 25;
  private static final Logger LOG = LoggerFactory.getLogger(LiveFeed.class);
  private final Vertx vertx;
  private final StoreClient store;
  private int open;

  LiveFeed(Vertx vertx, StoreClient store) {
    this.vertx = vertx;
    this.store = store;
    LocalCodec.register(vertx);
  }

  /** Feeds currently open (their consumers registered). */
  int openFeeds() {
    return open;
  }

  void start(ServerWebSocket ws, long from) {
    new Session(ws, from).begin();
  }

  private final class Session {
    private final ServerWebSocket ws;
    private final long from;
    private final List<StoreEvent> buffered = new ArrayList<>();
    private final List<String> batch = new ArrayList<>();
    private MessageConsumer<StoreEvent> consumer;
    private long last;
    private boolean started;
    private boolean closed;
    private long flushTimer = -1;

    Session(ServerWebSocket ws, long from) {
      this.ws = ws;
      this.from = from;
    }

    void begin() {
      open++;
      ws.closeHandler(v -> close());
      ws.exceptionHandler(t -> close());
      ws.textMessageHandler(text -> { }); // the browser has nothing to say; ignore pings from scripts
      consumer = vertx.eventBus().localConsumer(Addresses.EVENTS, m -> {
        if (started) {
          queue(m.body());
        } else {
          buffered.add(m.body());
        }
      });
      consumer.completion()
          .compose(v -> store.read(new StoreQuery.ReplayEvents(from, null, MAX_REPLAY, true)))
          .onSuccess(this::replay)
          .onFailure(t -> {
            LOG.warn("feed could not start: {}", t.getMessage());
            ws.close((short) 1011, "feed could not start");
            close();
          });
    }

    private void replay(StoreQuery.Replay start) {
      if (closed) {
        return;
      }
      last = start.reset() || from < 0 ? start.lastSequence() : from;
      send(new JsonObject().put("type", "hello").put("sequence", start.lastSequence()).put("reset", start.reset())
          .encode());
      start.events().forEach(this::queue);
      started = true;
      buffered.forEach(this::queue);
      buffered.clear();
      flush();
    }

    private void queue(StoreEvent e) {
      if (closed || e.sequence() <= last) {
        return;
      }
      last = e.sequence();
      batch.add(ProtoJson.text(ProtoMapper.event(e)));
      if (batch.size() >= 1000) {
        flush();
      } else if (flushTimer < 0) {
        flushTimer = vertx.setTimer(FLUSH_MS, t -> {
          flushTimer = -1;
          flush();
        });
      }
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
      buffered.clear();
      batch.clear();
      consumer.unregister();
    }
  }
}
