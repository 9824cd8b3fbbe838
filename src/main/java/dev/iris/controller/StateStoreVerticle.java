package dev.iris.controller;

import dev.iris.common.LocalCodec;
import dev.iris.common.RpcException;
import dev.iris.controller.journal.Journal;
import dev.iris.controller.journal.JournalObserver;
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
import java.time.Duration;
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
 * that refuses an append (failed write or fsync) makes every later mutation answer UNAVAILABLE; reads go on. Ticks
 * are skipped meanwhile, so no worker is declared lost for the outage. Once a probe finds the directory writable
 * again ({@link JournalRetry}), the store reopens the journal and rebuilds its state from disk exactly as at start
 * (a fresh replay and a {@link Mutation.ControllerRestarted}: workers get their grace); what was applied in memory
 * but never made durable is dropped, as a restart would drop it.
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
  /** How often a store whose journal failed probes whether its state directory takes writes again. */
  public static final long RETRY_MS = 5_000;

  private final StoreConfig config;
  /**
   * Built in the constructor in memory, by recovery when durable (before any command); replaced by a fresh state
   * rebuilt from disk when the journal is reopened after a failure.
   */
  private ClusterState state;
  private final Clock clock;
  private final long tickMs;
  /** A stall this long is worth a WARN; shorter ones (a busy machine) are logged at DEBUG. */
  private static final long STALL_WARN_MS = 1_000;
  /** When the previous tick fired (the store's clock), or MIN_VALUE; and the stall not yet handed to a tick. */
  private long lastTickAtMs = Long.MIN_VALUE;
  private long stallPendingMs;
  private final ControllerMetrics metrics;
  private final StoreMetrics storeMetrics;
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
  /** Set once the journal refused an append: mutations are refused from then on, until it is reopened. */
  private String journalFailure;
  private long retryMs = RETRY_MS;
  private JournalRetry<Rebuilt> retry;
  private StoreStatus status;

  public StateStoreVerticle(StoreConfig config, Clock clock, long tickMs, ControllerMetrics metrics) {
    this(config, clock, tickMs, metrics, null, JournalOptions.defaults());
  }

  /**
   * A durable store keeping its state in {@code stateDir} (null: in memory only). The journal's commits feed
   * {@code metrics} unless {@code journalOptions} names an observer of its own.
   */
  public StateStoreVerticle(StoreConfig config, Clock clock, long tickMs, ControllerMetrics metrics, Path stateDir,
      JournalOptions journalOptions) {
    this.config = config;
    this.state = stateDir == null ? new ClusterState(config) : null;
    this.clock = clock;
    this.tickMs = tickMs;
    this.metrics = metrics;
    this.storeMetrics = metrics != null ? metrics.store() : StoreMetrics.detached();
    this.stateDirPath = stateDir;
    this.journalOptions = journalOptions.observer() == JournalObserver.NONE
        ? journalOptions.withObserver(storeMetrics) : journalOptions;
  }

  /** The same store, probing a failed journal's directory every {@code ms} (default {@value #RETRY_MS}). */
  public StateStoreVerticle withJournalRetryMs(long ms) {
    this.retryMs = ms;
    return this;
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
    long startedAtMs = clock.millis();
    Future<Rebuilt> ready = stateDirPath == null ? Future.succeededFuture() : vertx.executeBlocking(this::recover);
    return ready.onSuccess(recovered -> {
      started(startedAtMs, recovered);
      if (metrics != null) {
        state.observe(metrics); // after the replay: replayed transitions are not counted again
      }
      vertx.eventBus().localConsumer(Addresses.STORE, this::handle);
      vertx.setPeriodic(tickMs, id -> tick());
    });
  }

  @Override
  public Future<?> stop() {
    if (journal == null) {
      return Future.succeededFuture();
    }
    return retry.stop().compose(late -> vertx.executeBlocking(() -> {
      closeQuietly(late == null ? null : late.journal());
      closeQuietly();
      return null;
    }));
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

  private static void closeQuietly(Journal j) {
    if (j != null) {
      try {
        j.close();
      } catch (IOException | RuntimeException e) {
        LOG.warn("closing the journal: {}", e.toString());
      }
    }
  }

  // ------------------------------------------------------------------ recovery (on a worker thread, before commands)

  /** A state rebuilt from the state directory, its journal open for appends, and what the replay took. */
  record Rebuilt(ClusterState state, Journal journal, long records, Duration elapsed) {
    static Rebuilt of(StoreRecovery.RecoveredStore r) {
      return new Rebuilt(r.state(), r.journal(), r.records(), r.elapsed());
    }
  }

  /** Opens the state directory and recovers its state (snapshot, then the records after it). */
  private Rebuilt recover() throws Exception {
    StoreRecovery.RecoveredStore r = StoreRecovery.run(stateDirPath, config, journalOptions, clock.millis());
    stateDir = r.dir();
    journal = r.journal();
    state = r.state();
    snapshotter = newSnapshotter(journal);
    return Rebuilt.of(r);
  }

  private Snapshotter newSnapshotter(Journal j) {
    return new Snapshotter(j, snapshotPolicy, () -> state.image(), task -> context.runOnContext(v -> task.run()),
        storeMetrics);
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
    if (body == StoreStatus.Get.INSTANCE) {
      reply(msg, status, null);
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

  /**
   * A periodic tick: how much later than its period it came since the previous one (the store's event loop was
   * blocked, a GC pause, a wall clock stepped forward) goes into the tick, so that it does not count as the
   * workers' silence. A stall measured while ticks are skipped waits for the next tick applied.
   */
  private void tick() {
    long now = clock.millis();
    if (lastTickAtMs != Long.MIN_VALUE) {
      long late = now - lastTickAtMs - tickMs;
      if (late > tickMs) {
        stallPendingMs += late;
        if (late >= STALL_WARN_MS) {
          LOG.warn("the store's tick came {} ms late (its event loop was blocked, or a GC pause): not counted as any "
              + "worker's silence", late);
        } else {
          LOG.debug("the store's tick came {} ms late: not counted as any worker's silence", late);
        }
      }
    }
    lastTickAtMs = now;
    if (handleMutation(new Mutation.Tick(stallPendingMs), null)) {
      stallPendingMs = 0;
    }
  }

  /** Applies {@code mutation}; false when it was not applied (refused before: a busy or failed journal, too large). */
  private boolean handleMutation(Mutation<?> mutation, Message<Object> msg) {
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
        return false;
      }
      // encoded before it is applied: a record the journal would refuse must not change the state
      record = MutationCodec.encode(mutation, now);
      if (record.length > journalOptions.maxRecordBytes()) {
        if (msg != null) {
          msg.reply(new StoreClient.StoreReply(null, new RpcException(GrpcStatus.RESOURCE_EXHAUSTED,
              "the change takes " + record.length + " bytes to store; the controller stores at most "
                  + journalOptions.maxRecordBytes() + " per change (a smaller bundle?)")), LocalCodec.OPTIONS);
        }
        return false;
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
      return true;
    }
    InFlight p = new InFlight(msg, value, error, drained, record.length);
    inFlight.addLast(p);
    inFlightBytes += record.length;
    storeMetrics.inFlight(inFlight.size());
    journal.append(record).whenComplete((lsn, failure) -> context.runOnContext(v -> durable(p, failure)));
    snapshotter.journaled(record.length);
    return true;
  }

  /** On the context: {@code p}'s append completed; release every inFlight mutation now durable, in order. */
  private void durable(InFlight p, Throwable failure) {
    p.done = true;
    if (failure != null) {
      Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
          : failure;
      if (journalFailure == null) {
        journalFailed(cause);
      }
      p.failure = journalFailure;
    }
    while (!inFlight.isEmpty() && inFlight.peekFirst().done) {
      InFlight head = inFlight.removeFirst();
      inFlightBytes -= head.bytes;
      if (head.failure != null) { // memory is ahead of the disk: tell no one of what it did
        storeMetrics.appendFailed();
        if (head.msg != null) {
          head.msg.reply(new StoreClient.StoreReply(null, new RpcException(GrpcStatus.UNAVAILABLE,
              "the controller could not store the change: " + head.failure)), LocalCodec.OPTIONS);
        }
        continue;
      }
      storeMetrics.durable(System.nanoTime() - head.appendedNanos);
      release(head.drained);
      reply(head.msg, head.value, head.error);
    }
    storeMetrics.inFlight(inFlight.size());
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

  // ------------------------------------------------------------------ start, failed journal, reopen

  /** On the context, once started: the status and metrics, and (durable) the retry of a failed journal. */
  private void started(long startedAtMs, Rebuilt recovered) {
    storeMetrics.started(startedAtMs);
    if (recovered == null) {
      status = StoreStatus.inMemory(startedAtMs);
      return;
    }
    storeMetrics.recovered(recovered.records(), recovered.elapsed(), false);
    status = StoreStatus.durable(startedAtMs, stateDir.path().toString(), recovery(recovered));
    retry = new JournalRetry<>(vertx, retryMs, stateDir.journalDir(), journalOptions, this::reopen, this::reopened,
        this::stillFailing);
  }

  private StoreStatus.Recovery recovery(Rebuilt r) {
    return new StoreStatus.Recovery(clock.millis(), r.records(), r.state().jobs().size(), r.state().workers().size(),
        r.elapsed().toMillis());
  }

  /** The journal refused an append: changes are refused from now on, until a probe finds the directory writable. */
  private void journalFailed(Throwable cause) {
    String reason = JournalRetry.reason(cause);
    journalFailure = unwritable(reason);
    status = status.failing(journalFailure, clock.millis());
    storeMetrics.journalFailing(true);
    LOG.warn("refusing every change until the journal takes writes again (reads go on, running tasks are not "
        + "affected): {}", journalFailure);
    retry.start(reason);
  }

  private String unwritable(String reason) {
    return "state directory " + stateDir.path() + " cannot be written: " + reason + "; retrying every "
        + Duration.ofMillis(retry.intervalMs()).toString().substring(2).toLowerCase(java.util.Locale.ROOT);
  }

  /** On the context: a probe or reopen failed again, for {@code reason}. */
  private void stillFailing(String reason) {
    journalFailure = unwritable(reason);
    status = status.failing(journalFailure, clock.millis());
  }

  /**
   * On a worker thread, once a probe wrote to the directory: closes the failed journal and rebuilds the state from
   * disk into a fresh one, exactly as at start. Nothing else touches the journal meanwhile: every change is refused.
   */
  private Rebuilt reopen() throws Exception {
    closeQuietly(journal);
    return Rebuilt.of(StoreRecovery.reopen(stateDir, config, journalOptions, clock.millis()));
  }

  /**
   * On the context: the store takes changes again, from the state rebuilt from disk. Every append of the failed
   * journal completed before it was closed, so nothing in flight belongs to it any more.
   */
  private void reopened(Rebuilt r) {
    long failedForMs = clock.millis() - status.failingSinceMs();
    state = r.state();
    journal = r.journal();
    snapshotter = newSnapshotter(journal);
    journalFailure = null;
    if (metrics != null) {
      state.observe(metrics);
    }
    storeMetrics.journalFailing(false);
    storeMetrics.recovered(r.records(), r.elapsed(), true);
    status = status.reopen(recovery(r));
    LOG.info("state directory {} takes writes again after {} s: journal reopened, state rebuilt from disk in {} ms "
            + "({} records, {} jobs, {} workers); changes applied in memory but never stored were dropped",
        stateDir.path(), failedForMs / 1000, r.elapsed().toMillis(), r.records(), state.jobs().size(),
        state.workers().size());
    vertx.eventBus().publish(Addresses.SCHEDULER_WAKE, Boolean.TRUE);
  }

  private static final class InFlight {
    final Message<Object> msg;
    final Object value;
    final RuntimeException error;
    final ClusterState.Drained drained;
    final int bytes;
    final long appendedNanos = System.nanoTime();
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
