package dev.iris.controller.state;

import dev.iris.core.Resources;
import dev.iris.core.TaskId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A registered worker: its capacity and attributes, liveness, and the attempts that hold its resources.
 * Mutated only by {@link ClusterState}.
 */
public final class WorkerRecord {
  /**
   * What a worker tells about itself when it registers.
   *
   * @param startCapacity how many tasks may be starting on it at once (0: the store's default)
   * @param incarnation names the worker's process; a new one after every restart (see {@link AcceptMark})
   */
  public record Registration(String workerId, String address, Resources capacity,
      Map<String, String> attributes, String hostname, String ipAddress, int startCapacity, String incarnation) {
    public Registration {
      attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
      hostname = hostname == null ? "" : hostname;
      ipAddress = ipAddress == null ? "" : ipAddress;
      incarnation = incarnation == null ? "" : incarnation;
      if (startCapacity < 0) {
        throw new IllegalArgumentException("startCapacity must not be negative, was " + startCapacity);
      }
    }

    /** A worker that states no start capacity and no incarnation. */
    public Registration(String workerId, String address, Resources capacity, Map<String, String> attributes,
        String hostname, String ipAddress) {
      this(workerId, address, capacity, attributes, hostname, ipAddress, 0, "");
    }
  }

  /**
   * An attempt holding resources here.
   *
   * @param starting true until the worker reports it RUNNING: it occupies one of the worker's start slots
   * @param accepted where the worker accepted its RunTask, or null while that is not known (in flight)
   */
  public record Holding(TaskId task, int attemptId, Resources resources, boolean starting, AcceptMark accepted) {}

  private Registration registration;
  private final long firstRegisteredAtMs;
  private long registeredAtMs;
  private long lastHeartbeatMs;
  private long lastProbeMs = Long.MIN_VALUE;
  private boolean alive = true;
  private boolean suspect;
  private int consecutiveFailures;
  private Resources committed = Resources.NONE;
  private int starting;
  private final Map<TaskId, Holding> holdings = new LinkedHashMap<>();

  WorkerRecord(Registration registration, long now) {
    this.registration = registration;
    this.firstRegisteredAtMs = now;
    this.registeredAtMs = now;
    this.lastHeartbeatMs = now;
  }

  /**
   * Every field of a worker, as an immutable value: what a snapshot of the controller's state keeps.
   *
   * @param lastProbeMs {@link Long#MIN_VALUE}: never probed
   * @param holdings in the order they were taken
   */
  public record WorkerImage(Registration registration, long firstRegisteredAtMs, long registeredAtMs,
      long lastHeartbeatMs, long lastProbeMs, boolean alive, boolean suspect, int consecutiveFailures,
      Resources committed, int starting, java.util.List<Holding> holdings) {}

  WorkerImage image() {
    return new WorkerImage(registration, firstRegisteredAtMs, registeredAtMs, lastHeartbeatMs, lastProbeMs, alive,
        suspect, consecutiveFailures, committed, starting, java.util.List.copyOf(holdings.values()));
  }

  /** The worker {@code image} was taken of. */
  static WorkerRecord restore(WorkerImage image) {
    WorkerRecord w = new WorkerRecord(image.registration(), image.firstRegisteredAtMs());
    w.registeredAtMs = image.registeredAtMs();
    w.lastHeartbeatMs = image.lastHeartbeatMs();
    w.lastProbeMs = image.lastProbeMs();
    w.alive = image.alive();
    w.suspect = image.suspect();
    w.consecutiveFailures = image.consecutiveFailures();
    w.committed = java.util.Objects.requireNonNull(image.committed(), "committed");
    w.starting = image.starting();
    for (Holding h : image.holdings()) {
      if (w.holdings.put(h.task(), h) != null) {
        throw new IllegalArgumentException("worker " + w.id() + " holds " + h.task() + " twice");
      }
    }
    return w;
  }

  public String id() {
    return registration.workerId();
  }

  public String address() {
    return registration.address();
  }

  public Registration registration() {
    return registration;
  }

  public Resources capacity() {
    return registration.capacity();
  }

  public Map<String, String> attributes() {
    return registration.attributes();
  }

  public long firstRegisteredAtMs() {
    return firstRegisteredAtMs;
  }

  public long registeredAtMs() {
    return registeredAtMs;
  }

  public long lastHeartbeatMs() {
    return lastHeartbeatMs;
  }

  /** False once declared lost (no heartbeat within the timeout) until it registers again. */
  public boolean isAlive() {
    return alive;
  }

  /** A RunTask to it failed, or it is silent past the worker timeout; not given new tasks until its next heartbeat. */
  public boolean isSuspect() {
    return suspect;
  }

  public boolean isSchedulable() {
    return alive && !suspect;
  }

  public int consecutiveFailures() {
    return consecutiveFailures;
  }

  public Resources committed() {
    return committed;
  }

  /**
   * Capacity minus what is committed, never below zero: a worker that re-registers with less capacity
   * than its running attempts hold is full until they end.
   */
  public Resources free() {
    Resources cap = capacity();
    return new Resources(Math.max(0, cap.cpu() - committed.cpu()),
        Math.max(0, cap.memoryBytes() - committed.memoryBytes()),
        Math.max(0, cap.diskBytes() - committed.diskBytes()),
        Math.max(0, cap.gpus() - committed.gpus()), cap.gpuVariant());
  }

  /** The worker's process as of its last registration (see {@link AcceptMark}). */
  public String incarnation() {
    return registration.incarnation();
  }

  /** How many of its attempts are still starting (ASSIGNED or BUILDING). */
  public int starting() {
    return starting;
  }

  /** How many more tasks may start here now: its start capacity ({@code defaultCapacity} if it stated none) minus those starting. */
  public int startSlots(int defaultCapacity) {
    int capacity = registration.startCapacity() > 0 ? registration.startCapacity() : defaultCapacity;
    return Math.max(0, capacity - starting);
  }

  public Map<TaskId, Holding> holdings() {
    return java.util.Collections.unmodifiableMap(holdings);
  }

  // ---- mutation by ClusterState

  void reregister(Registration r, long now) {
    registration = r;
    registeredAtMs = now;
    lastHeartbeatMs = now;
    alive = true;
    suspect = false;
    consecutiveFailures = 0;
  }

  /** Any message from the worker proves it alive; only a heartbeat also clears suspicion. */
  void spoke(long now) {
    lastHeartbeatMs = Math.max(lastHeartbeatMs, now);
  }

  void heard(long now) {
    lastHeartbeatMs = now;
    suspect = false;
    consecutiveFailures = 0;
  }

  /** True, and the probe counted as sent, when the worker has been silent {@code afterMs} since the last probe. */
  boolean probeDue(long now, long afterMs) {
    if (now - lastHeartbeatMs < afterMs || (lastProbeMs != Long.MIN_VALUE && now - lastProbeMs < afterMs)) {
      return false;
    }
    lastProbeMs = now;
    return true;
  }

  /**
   * The controller's own stall of {@code stallMs} does not count as the worker's silence: its last-heard instant
   * moves that much later, never past {@code now}.
   */
  void excuse(long stallMs, long now) {
    lastHeartbeatMs = Math.max(lastHeartbeatMs, Math.min(now, lastHeartbeatMs + stallMs));
  }

  /** Silent past the worker timeout: suspect (unschedulable) until its next heartbeat, no failure counted. */
  void markSilent() {
    suspect = true;
  }

  void markSuspect() {
    suspect = true;
    consecutiveFailures++;
  }

  void markLost() {
    alive = false;
  }

  void reserve(TaskId task, int attemptId, Resources r) {
    Holding previous = holdings.put(task, new Holding(task, attemptId, r, true, null));
    if (previous != null) {
      forget(previous);
    }
    committed = committed.plus(r);
    starting++;
  }

  /** True when attempt {@code attemptId} of {@code task} holds resources here. */
  public boolean holds(TaskId task, int attemptId) {
    Holding h = holdings.get(task);
    return h != null && h.attemptId() == attemptId;
  }

  /** The worker accepted the RunTask of the attempt at {@code mark}; the first mark learned stands. */
  void accepted(TaskId task, int attemptId, AcceptMark mark) {
    Holding h = holdings.get(task);
    if (h != null && h.attemptId() == attemptId && h.accepted() == null) {
      holdings.put(task, new Holding(task, attemptId, h.resources(), h.starting(), mark));
    }
  }

  /**
   * The controller restarted: every RunTask it had in flight to this worker is settled by the worker's next
   * list ({@link AcceptMark#lostInRestart}).
   */
  void deliveriesLostInRestart() {
    for (Holding h : List.copyOf(holdings.values())) {
      if (h.accepted() == null) {
        holdings.put(h.task(), new Holding(h.task(), h.attemptId(), h.resources(), h.starting(),
            AcceptMark.lostInRestart(incarnation())));
      }
    }
  }

  /** The attempt's RunTask is sent again: in flight, its acceptance unknown until the worker answers. */
  void redeliver(TaskId task, int attemptId) {
    Holding h = holdings.get(task);
    if (h != null && h.attemptId() == attemptId) {
      holdings.put(task, new Holding(task, attemptId, h.resources(), h.starting(), null));
    }
  }

  /** The attempt runs: its start slot is free again; false when it was not starting. */
  boolean started(TaskId task, int attemptId) {
    Holding h = holdings.get(task);
    if (h != null && h.attemptId() == attemptId && h.starting()) {
      holdings.put(task, new Holding(task, attemptId, h.resources(), false, h.accepted()));
      starting--;
      return true;
    }
    return false;
  }

  /** Releases what attempt {@code attemptId} of {@code task} holds; false when it holds nothing. */
  boolean release(TaskId task, int attemptId) {
    Holding h = holdings.get(task);
    if (h == null || h.attemptId() != attemptId) {
      return false;
    }
    holdings.remove(task);
    forget(h);
    return true;
  }

  private void forget(Holding h) {
    committed = committed.minus(h.resources());
    if (h.starting()) {
      starting--;
    }
  }
}
