package dev.iris.controller;

import dev.iris.common.LocalCodec;
import dev.iris.common.RpcException;
import dev.iris.controller.journal.AppendRefusedException;
import dev.iris.controller.journal.Journal;
import dev.iris.controller.journal.JournalOptions;
import dev.iris.controller.journal.MutationCodec;
import dev.iris.controller.journal.StateDir;
import dev.iris.controller.state.ClusterState;
import dev.iris.controller.state.Mutation;
import dev.iris.controller.state.StoreConfig;
import dev.iris.controller.state.StoreEvent;
import dev.iris.controller.state.WorkerInstruction;
import dev.iris.core.Refusal;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.grpc.common.GrpcStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of controller state. Applies each {@link Mutation} to {@link ClusterState}, then
 * publishes the committed events, hands worker commands to dispatch, and wakes the scheduler; answers each
 * {@link StoreQuery} from the same state, on the same thread. A short tick ({@link Mutation.Tick}) declares
 * silent workers lost (or has them probed first), expires scheduling timeouts and forgets old jobs.
 *
 * <p>Durable when given a state directory: {@link #start} opens it and its {@link Journal} off the event loop,
 * replays every record into the state (dropping what the replay produced: nothing is re-sent), journals a
 * {@link Mutation.ControllerRestarted} (grace for the workers after the downtime), and only then takes commands. Each
 * mutation that was not refused is appended to the journal, and its reply and what it produced (events, worker
 * instructions, probes, scheduler nudge) are held until its record is on disk, then released in LSN order on
 * this verticle's context. The store keeps applying later mutations meanwhile: they share one fsync. A journal
 * that refuses an append (failed write or fsync) makes every later mutation answer UNAVAILABLE; reads go on.
 *
 * <p>The {@link StoreConfig} shapes what a replayed mutation does, so the journal records the config its records
 * were written under: a start with another config journals a {@link Mutation.Reconfigure} ({@link StoreRecovery}).
 * Every so many records the state is snapshotted ({@link Snapshotter}), so that the journal's older segments are
 * deleted and recovery replays only the records after the snapshot.
 */
public final class StateStoreVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(StateStoreVerticle.class);
  /** Mutations applied but not yet durable, at most: below the journal's queue, so it never answers QUEUE_FULL. */
  static final int MAX_IN_FLIGHT = 4_096;

  private final StoreConfig config;
  /** Built in the constructor in memory, by recovery when durable (before any command). */
  private ClusterState state;
  private final Clock clock;
  private final long tickMs;
  private final ControllerMetrics metrics;
  private final Path stateDirPath;
  private final JournalOptions journalOptions;

  private StateDir stateDir;
  private Journal journal;
  private Snapshotter.Policy snapshotPolicy = Snapshotter.Policy.DEFAULT;
  private Snapshotter snapshotter;
  private Context context;
  /** Mutations applied and appended, waiting for their records to be durable, in LSN order. */
  private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
  /** The bytes of their records: kept below half the journal's queue, so it never answers QUEUE_FULL. */
  private long inFlightBytes;
  /** Set once the journal refused an append: mutations are refused from then on. */
  private String journalFailure;

  public StateStoreVerticle(StoreConfig config, Clock clock, long tickMs, ControllerMetrics metrics) {
    this(config, clock, tickMs, metrics, null, JournalOptions.defaults());
  }

  /** A durable store keeping its state in {@code stateDir} (null: in memory only). */
  public StateStoreVerticle(StoreConfig config, Clock clock, long tickMs, ControllerMetrics metrics, Path stateDir,
      JournalOptions journalOptions) {
    this.config = config;
    this.state = stateDir == null ? new ClusterState(config) : null;
    this.clock = clock;
    this.tickMs = tickMs;
    this.metrics = metrics;
    this.stateDirPath = stateDir;
    this.journalOptions = journalOptions;
  }

  /** Snapshots every {@code records} records or {@code bytes} bytes journaled (set before deploying; tests). */
  public StateStoreVerticle snapshotEvery(long records, long bytes) {
    snapshotPolicy = new Snapshotter.Policy(records, bytes);
    return this;
  }

  /** The journal, once started durable (null in memory); for tests and metrics. */
  public Journal journal() {
    return journal;
  }

  @Override
  public Future<?> start() {
    registerCodecs();
    context = vertx.getOrCreateContext();
    Future<Void> ready = stateDirPath == null ? Future.succeededFuture()
        : vertx.executeBlocking(() -> {
          recover();
          return null;
        });
    return ready.onSuccess(v -> {
      if (metrics != null) {
        state.observe(metrics); // after the replay: replayed transitions are not counted again
      }
      vertx.eventBus().localConsumer(Addresses.STORE, this::handle);
      vertx.setPeriodic(tickMs, id -> handleMutation(new Mutation.Tick(), null));
    });
  }

  @Override
  public Future<?> stop() {
    if (journal == null) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> {
      closeQuietly();
      return null;
    });
  }

  private void closeQuietly() {
    if (journal != null) {
      try {
        journal.close();
      } catch (IOException | RuntimeException e) {
        LOG.warn("closing the journal: {}", e.toString());
      }
    }
    if (stateDir != null) {
      stateDir.close();
    }
  }

  // ------------------------------------------------------------------ recovery (on a worker thread, before commands)

  private void recover() throws Exception {
    StoreRecovery.RecoveredStore r = StoreRecovery.run(stateDirPath, config, journalOptions, clock.millis());
    stateDir = r.dir();
    journal = r.journal();
    state = r.state();
    snapshotter = new Snapshotter(journal, snapshotPolicy, state::image, task -> context.runOnContext(v -> task.run()));
  }

  // ------------------------------------------------------------------ commands

  private void registerCodecs() {
    LocalCodec.register(vertx);
  }

  private void handle(Message<Object> msg) {
    Object body = msg.body();
    if (body instanceof Mutation<?> mutation) {
      handleMutation(mutation, msg);
      return;
    }
    Object value;
    try {
      if (!(body instanceof StoreQuery<?> query)) {
        throw new IllegalArgumentException("not a store command: " + body);
      }
      value = query.readFrom(state);
    } catch (RuntimeException e) {
      reply(msg, null, e);
      return;
    }
    reply(msg, value, null);
  }

  private void handleMutation(Mutation<?> mutation, Message<Object> msg) {
    long now = clock.millis();
    byte[] record = null;
    if (journal != null) {
      String busy = journalFailure != null ? "the controller cannot store changes: " + journalFailure
          : inFlight.size() >= MAX_IN_FLIGHT || inFlightBytes > journalOptions.queueBytes() / 2
              ? "the controller's journal is busy: try again" : null;
      if (busy != null) {
        if (msg != null) { // a tick is skipped: the next one comes soon
          msg.reply(new StoreClient.StoreReply(null, new RpcException(GrpcStatus.UNAVAILABLE, busy)),
              LocalCodec.OPTIONS);
        }
        return;
      }
      // encoded before it is applied: a record the journal would refuse must not change the state
      record = MutationCodec.encode(mutation, now);
      if (record.length > journalOptions.maxRecordBytes()) {
        if (msg != null) {
          msg.reply(new StoreClient.StoreReply(null, new RpcException(GrpcStatus.RESOURCE_EXHAUSTED,
              "the change takes " + record.length + " bytes to store; the controller stores at most "
                  + journalOptions.maxRecordBytes() + " per change (a smaller bundle?)")), LocalCodec.OPTIONS);
        }
        return;
      }
    }
    Object value = null;
    RuntimeException error = null;
    try {
      value = mutation.applyTo(state, now);
    } catch (RuntimeException e) {
      error = e;
    }
    ClusterState.Drained drained = state.outbox().isEmpty() ? null : state.outbox().drain();
    if (journal == null || error instanceof Refusal) {
      release(drained);
      reply(msg, value, error);
      return;
    }
    InFlight p = new InFlight(msg, value, error, drained, record.length);
    inFlight.addLast(p);
    inFlightBytes += record.length;
    journal.append(record).whenComplete((lsn, failure) -> context.runOnContext(v -> durable(p, failure)));
    snapshotter.journaled(record.length);
  }

  /** On the context: {@code p}'s append completed; release every inFlight mutation now durable, in order. */
  private void durable(InFlight p, Throwable failure) {
    p.done = true;
    if (failure != null) {
      Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
          : failure;
      String reason = cause instanceof AppendRefusedException r ? r.reason() + ": " + r.getMessage()
          : cause.toString();
      if (journalFailure == null) {
        LOG.error("the journal refused a record; refusing every change from now on: {}", reason);
        journalFailure = reason;
      }
      p.failure = reason;
    }
    while (!inFlight.isEmpty() && inFlight.peekFirst().done) {
      InFlight head = inFlight.removeFirst();
      inFlightBytes -= head.bytes;
      if (head.failure != null) { // memory is ahead of the disk: tell no one of what it did
        if (head.msg != null) {
          head.msg.reply(new StoreClient.StoreReply(null, new RpcException(GrpcStatus.UNAVAILABLE,
              "the controller could not store the change: " + head.failure)), LocalCodec.OPTIONS);
        }
        continue;
      }
      release(head.drained);
      reply(head.msg, head.value, head.error);
    }
  }

  private static void reply(Message<Object> msg, Object value, RuntimeException error) {
    if (error != null && !(error instanceof Refusal)) { // a refusal (not found, not allowed, ...) is an answer
      LOG.error("store command {} failed", msg == null ? "Tick" : msg.body().getClass().getSimpleName(), error);
    }
    if (msg != null) {
      msg.reply(new StoreClient.StoreReply(error == null ? value : null, error), LocalCodec.OPTIONS);
    }
  }

  /** What a committed mutation produced leaves the store (also when it failed half-way: nothing stays untold). */
  private void release(ClusterState.Drained d) {
    if (d == null) {
      return;
    }
    EventBus bus = vertx.eventBus();
    for (StoreEvent e : d.events()) {
      bus.publish(Addresses.EVENTS, e, LocalCodec.OPTIONS);
    }
    for (WorkerInstruction c : d.commands()) {
      bus.send(Addresses.DISPATCH, c, LocalCodec.OPTIONS);
    }
    for (ClusterState.WorkerProbe p : d.probes()) {
      bus.send(Addresses.PROBE, p, LocalCodec.OPTIONS);
    }
    if (d.wakeScheduler()) {
      bus.publish(Addresses.SCHEDULER_WAKE, Boolean.TRUE);
    }
  }

  private static final class InFlight {
    final Message<Object> msg;
    final Object value;
    final RuntimeException error;
    final ClusterState.Drained drained;
    final int bytes;
    boolean done;
    String failure;

    InFlight(Message<Object> msg, Object value, RuntimeException error, ClusterState.Drained drained, int bytes) {
      this.bytes = bytes;
      this.msg = msg;
      this.value = value;
      this.error = error;
      this.drained = drained;
    }
  }
}
