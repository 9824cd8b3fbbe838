package dev.iris.controller.state;

import dev.iris.controller.state.ClusterState.AttemptReport;
import dev.iris.core.Endpoint;
import dev.iris.core.Job;
import dev.iris.core.JobId;
import dev.iris.core.JobSpec;
import dev.iris.core.Refusal;
import dev.iris.core.Resources;
import dev.iris.core.Sha256;
import dev.iris.core.Task;
import dev.iris.core.TaskAttempt;
import dev.iris.core.TaskId;
import dev.iris.core.TaskState;
import dev.iris.core.auth.Caller;
import dev.iris.core.auth.Role;
import dev.iris.scheduler.Plan;
import dev.iris.scheduler.Scheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Random sequences of store commands, each issued as the {@link Mutation}s the store's clients send, at
 * explicit instants: submissions (with and without bundles, by several users, some refused), plans committed
 * at once or held and committed stale, worker reports good and stale, deliveries and delivery failures,
 * fencing, heartbeats and re-registrations (some by a token that may not speak for the worker, some by another
 * process at another address claiming a live worker's id), silences,
 * probes that cannot connect, ticks, kills, endpoints registered and removed, and the store reconfigured. A command picks its targets
 * (an active attempt, a worker, an endpoint) from the state it drives, so most of them change something.
 *
 * <p>Each mutation goes to a {@link Sink}; a refusal ({@link Refusal}) it throws is an answer, as at the
 * store, and the script carries on.
 */
public final class RandomCommands {
  public static final String SLICE = "slice";
  /** Finished jobs are forgotten after 5 s or beyond 20 finished tasks, so that forgetting happens. */
  public static final StoreConfig CONFIG = Store.CONFIG.withJobRetention(new StoreConfig.JobRetention(5_000, 20));
  private static final TaskState[] REPORTED = {TaskState.BUILDING, TaskState.RUNNING, TaskState.SUCCEEDED,
      TaskState.FAILED, TaskState.WORKER_FAILED, TaskState.KILLED, TaskState.PENDING};

  public enum Kind {
    SUBMIT, SCHEDULE, HOLD_PLAN, COMMIT_HELD, REPORT, STALE_REPORT, DELIVERED, DELIVERY_FAILED, FENCED, HEARTBEAT,
    REREGISTER, CLAIM, ADVANCE, LIVENESS, UNREACHABLE, TICK, TERMINATE, ENDPOINT, UNREGISTER_ENDPOINT, RECONFIGURE
  }

  /** One command; its numbers pick the job, task, worker, state and so on when it is applied. */
  public record Op(Kind kind, int a, int b, int c) {
    @Override
    public String toString() {
      return kind + "(" + a + "," + b + "," + c + ")";
    }
  }

  /** Where the script sends each mutation, with the instant it is applied at. */
  @FunctionalInterface
  public interface Sink {
    void apply(Mutation<?> mutation, long now);
  }

  public static Arbitrary<List<Op>> commands() {
    Arbitrary<Kind> kind = Arbitraries.frequency(
        Tuple.of(5, Kind.SUBMIT), Tuple.of(5, Kind.SCHEDULE), Tuple.of(1, Kind.HOLD_PLAN),
        Tuple.of(1, Kind.COMMIT_HELD), Tuple.of(8, Kind.REPORT), Tuple.of(2, Kind.STALE_REPORT),
        Tuple.of(2, Kind.DELIVERED), Tuple.of(2, Kind.DELIVERY_FAILED), Tuple.of(1, Kind.FENCED),
        Tuple.of(3, Kind.HEARTBEAT), Tuple.of(2, Kind.REREGISTER), Tuple.of(1, Kind.CLAIM), Tuple.of(3, Kind.ADVANCE),
        Tuple.of(2, Kind.LIVENESS), Tuple.of(1, Kind.UNREACHABLE), Tuple.of(1, Kind.TICK),
        Tuple.of(1, Kind.TERMINATE), Tuple.of(1, Kind.ENDPOINT), Tuple.of(1, Kind.UNREGISTER_ENDPOINT),
        Tuple.of(1, Kind.RECONFIGURE));
    Arbitrary<Integer> n = Arbitraries.integers().between(0, 2_047);
    return Combinators.combine(kind, n, n, n).as(Op::new).list().ofMinSize(20).ofMaxSize(120);
  }

  private final ClusterState state;
  private final Sink sink;
  private final Scheduler scheduler = new Scheduler();
  private long now = 1_000;
  private Plan held;

  /** Drives {@code state} (read to pick targets) through {@code sink}; first registers five workers. */
  public RandomCommands(ClusterState state, Sink sink) {
    this.state = state;
    this.sink = sink;
    for (int i = 0; i < 5; i++) {
      send(new Mutation.RegisterWorker(registration(i, ""), new AcceptMark("", 0), List.of(), workerToken(i)));
    }
  }

  /** Slice s0 of three workers (w0-w2) and slice s1 of two (w3, w4), w4 smaller. */
  public static WorkerRecord.Registration registration(int i, String incarnation) {
    WorkerRecord.Registration r = Store.registration("w" + i, Resources.of(i < 4 ? 4 : 2, 64 * Store.GIB), SLICE,
        i < 3 ? "s0" : "s1", Scheduler.WORKER_INDEX_ATTRIBUTE, String.valueOf(i < 3 ? i : i - 3));
    return new WorkerRecord.Registration(r.workerId(), r.address(), r.capacity(), r.attributes(), r.hostname(),
        r.ipAddress(), 0, incarnation);
  }

  /** The instant the next command is applied at. */
  public long now() {
    return now;
  }

  public void apply(Op op) {
    int a = op.a();
    int b = op.b();
    int c = op.c();
    switch (op.kind()) {
      case SUBMIT -> {
        String root = "j" + a % 5;
        String id = b % 4 == 0 ? "j" + (a / 5) % 5 + "/c" : root;
        String user = (c / 27) % 4 == 0 ? "bob" : "alice";
        Store.Spec spec = Store.spec(id).replicas(1 + b % 3).cpu(1 + c % 3)
            .retries((c / 3) % 3, (c / 9) % 3).maxTaskFailures((b / 3) % 2)
            .schedulingTimeoutMs((a / 25) % 3 == 0 ? 3_000 : 0);
        if ((b / 6) % 4 == 0) {
          spec.gang(SLICE);
        }
        byte[] bundle = (b / 24) % 3 == 0 ? ("bundle " + c % 4).getBytes(java.nio.charset.StandardCharsets.UTF_8)
            : null;
        if (bundle != null) {
          spec.bundleHash(Sha256.hex(bundle));
        }
        JobSpec built = spec.build().withUser(user);
        send(new Mutation.SubmitJob(built, bundle, (c / 27) % 7 == 6 ? Caller.admin() : Caller.of(user, Role.USER)));
      }
      case SCHEDULE -> send(new Mutation.CommitPlan(plan()));
      case HOLD_PLAN -> held = plan();
      case COMMIT_HELD -> {
        if (held != null) {
          send(new Mutation.CommitPlan(held));
          held = null;
        }
      }
      case REPORT -> {
        List<Task> active = tasks(t -> t.state().isActive());
        if (!active.isEmpty()) {
          Task t = active.get(a % active.size());
          TaskAttempt at = t.currentAttempt();
          send(new Mutation.ReportTaskStates(at.workerId(), List.of(report(t.id(), at.attemptId(),
              REPORTED[b % REPORTED.length], c)), workerToken(at.workerId())));
        }
      }
      case STALE_REPORT -> {
        List<Task> tried = tasks(t -> !t.attempts().isEmpty());
        if (!tried.isEmpty()) {
          Task t = tried.get(a % tried.size());
          TaskAttempt at = t.attempts().get(c % t.attempts().size());
          String worker = b % 2 == 0 ? at.workerId() : "w" + (b / 2) % 5;
          send(new Mutation.ReportTaskStates(worker, List.of(report(t.id(), at.attemptId(),
              REPORTED[(b / 10) % REPORTED.length], c)), workerToken(worker)));
        }
      }
      case DELIVERED -> {
        List<Task> assigned = tasks(t -> t.state() == TaskState.ASSIGNED);
        if (!assigned.isEmpty()) {
          Task t = assigned.get(a % assigned.size());
          String worker = t.activeWorkerId();
          send(new Mutation.Delivered(t.id(), t.currentAttemptId(), worker,
              new AcceptMark(state.worker(worker).map(WorkerRecord::incarnation).orElse(""), 1 + b % 16)));
        }
      }
      case DELIVERY_FAILED -> {
        List<Task> assigned = tasks(t -> t.state() == TaskState.ASSIGNED);
        if (!assigned.isEmpty()) {
          Task t = assigned.get(a % assigned.size());
          send(new Mutation.DeliveryFailed(t.id(), t.currentAttemptId(), t.activeWorkerId(),
              b % 2 == 0 ? "refused" : "deadline exceeded", b % 4 == 1));
        }
      }
      case FENCED -> {
        List<Task> assigned = tasks(t -> t.state() == TaskState.ASSIGNED);
        if (!assigned.isEmpty()) {
          Task t = assigned.get(a % assigned.size());
          send(new Mutation.Fenced(t.id(), t.currentAttemptId(), t.activeWorkerId()));
        }
      }
      case HEARTBEAT -> {
        String w = "w" + a % 5;
        send(new Mutation.Heartbeat(w, mark(w, c), listed(w, b, c), (c / 16) % 16 == 0 ? Caller.of("intruder",
            Role.WORKER) : workerToken(w)));
      }
      case REREGISTER -> {
        String incarnation = b % 4 == 0 ? "inc" + (b / 4) % 3 : "";
        send(new Mutation.RegisterWorker(registration(a % 5, incarnation), new AcceptMark(incarnation, c % 4),
            listed("w" + a % 5, b, c), (c / 16) % 8 == 0 ? Caller.admin() : workerToken(a % 5)));
      }
      case CLAIM -> { // another process elsewhere registers under a worker's id: refused while the holder lives
        WorkerRecord.Registration r = registration(a % 5, "other" + b % 3);
        boolean otherMachine = c % 3 == 0; // at the same address (as on the event bus) but another ip address
        send(new Mutation.RegisterWorker(new WorkerRecord.Registration(r.workerId(), otherMachine ? r.address()
            : "other-" + r.workerId() + ":" + (10_001 + c % 2), r.capacity(), r.attributes(), r.hostname(),
            otherMachine ? "10.9.9." + c % 7 : r.ipAddress(), 0, r.incarnation()),
            new AcceptMark(r.incarnation(), 0), List.of(), workerToken(a % 5)));
      }
      case ADVANCE -> {
        now += a * 4L;
        send(new Mutation.Tick()); // finished jobs older than 5 s, or beyond 20 tasks, are forgotten
      }
      case LIVENESS -> {
        if (b % 3 == 0) { // a silence: every worker not heard from in the last 6 s is lost
          now += 6_000;
          for (int i = 0; i < 5; i++) {
            if ((c >> i & 1) == 1) {
              String w = "w" + i;
              send(new Mutation.Heartbeat(w, mark(w, 0), listed(w, -1, 0), workerToken(i)), now - 1_000);
            }
          }
        }
        send(new Mutation.Tick());
      }
      case UNREACHABLE -> {
        now += b % 3 * 1_000L;
        send(new Mutation.WorkerUnreachable("w" + a % 5, "connection refused"));
      }
      case TICK -> send(new Mutation.Tick(a % 4 == 0 ? b * 100L : 0)); // sometimes after a stall of the store's
      case TERMINATE -> {
        JobId id = JobId.of(b % 2 == 0 ? "j" + a % 5 : "j" + a % 5 + "/c");
        send(new Mutation.TerminateJob(id, c % 5 == 0 ? null : "killed by user")); // an unknown job is refused
      }
      case ENDPOINT -> {
        List<Task> active = tasks(t -> t.state().isActive());
        if (!active.isEmpty()) {
          Task t = active.get(a % active.size());
          boolean byTask = c % 4 != 0;
          send(new Mutation.RegisterEndpoint("ep" + b, "h:" + c, t.id().job(), byTask ? t.id() : null,
              byTask ? t.currentAttemptId() : -1, c % 3 == 0 ? Map.of("k", "v" + c) : Map.of()));
        }
      }
      case UNREGISTER_ENDPOINT -> {
        List<Endpoint> all = state.endpoints().list("");
        send(new Mutation.UnregisterEndpoint(all.isEmpty() || b % 5 == 0 ? "ep-" + b : all.get(a % all.size()).id()));
      }
      case RECONFIGURE -> send(new Mutation.Reconfigure(reconfigured(a, b)));
      default -> throw new IllegalStateException(op.toString());
    }
  }

  /**
   * Another configuration: a longer worker timeout, one start slot per worker, a handful of events kept, finished
   * jobs kept shorter, fewer of their tasks or only one or two of them, leases of 7 s.
   */
  static StoreConfig reconfigured(int a, int b) {
    StoreConfig.JobRetention retention = new StoreConfig.JobRetention((b / 4) % 2 == 0 ? 5_000 : 2_000,
        (b / 8) % 2 == 0 ? 20 : 5, (b / 16) % 3 == 0 ? 1 + (b / 48) % 2 : 1_000);
    return new StoreConfig(a % 3 == 0 ? 8_000 : 5_000, a % 5 == 0 ? 1 : StoreConfig.DEFAULT_START_CAPACITY,
        a % 2 == 0 ? 5_000 : 3_000, b % 4 == 0 ? 5 : b % 4 == 1 ? 50 : 100_000, a % 7 == 0 ? 2_500 : 1_500,
        retention, b % 5 == 0 ? 7_000 : 0);
  }

  private void send(Mutation<?> m) {
    send(m, now);
  }

  private void send(Mutation<?> m, long at) {
    try {
      sink.apply(m, at);
    } catch (RuntimeException e) {
      if (!(e instanceof Refusal)) {
        throw e;
      }
    }
  }

  private Plan plan() {
    ClusterState.SchedulingInput in = state.schedulingInput();
    return scheduler.schedule(in.queue(), in.workers());
  }

  /** The token a worker registers with: its own, as a worker. */
  private static Caller workerToken(int i) {
    return Caller.of("w" + i, Role.WORKER);
  }

  private static Caller workerToken(String workerId) {
    return Caller.of(workerId, Role.WORKER);
  }

  private AcceptMark mark(String workerId, int c) {
    WorkerRecord w = state.worker(workerId).orElse(null);
    return w == null || c % 5 == 0 ? AcceptMark.NONE : new AcceptMark(w.incarnation(), c % 17);
  }

  private static AttemptReport report(TaskId task, int attemptId, TaskState s, int c) {
    TaskAttempt.Observation seen = c % 3 == 0 ? null
        : new TaskAttempt.Observation(c % 2 == 0 ? Map.of("http", 8000 + c) : Map.of(),
            c % 4 == 1 ? new TaskAttempt.Usage(c, c, c % 100, c, 1, c) : null, c % 5, 0, c % 7 == 0);
    return new AttemptReport(task, attemptId, s, s == TaskState.FAILED ? 1 : 0,
        s == TaskState.FAILED ? "exit 1" : c % 11 == 0 ? null : "", seen, c % 9);
  }

  /**
   * What a worker lists on a heartbeat: its active attempts selected by the bits of {@code mask}, each
   * as the controller knows it or (bits of {@code ends}) already ended, then perhaps the ended attempts
   * it still keeps, and now and then one it should not run.
   */
  public List<AttemptReport> listed(String workerId, int mask, int ends) {
    List<AttemptReport> out = new ArrayList<>();
    int bit = 0;
    for (Task t : tasks(t -> workerId.equals(t.activeWorkerId()))) {
      bit++;
      if ((mask >> (bit % 10) & 1) == 1) {
        TaskState st = (ends >> (bit % 10) & 1) == 1 ? (bit % 2 == 0 ? TaskState.SUCCEEDED : TaskState.FAILED)
            : t.state();
        out.add(new AttemptReport(t.id(), t.currentAttemptId(), st, st == TaskState.FAILED ? 1 : 0, "", null));
      }
    }
    if ((ends >> 10 & 1) == 1) { // ended attempts it still keeps, after the current ones
      for (Task t : tasks(t -> true)) {
        for (TaskAttempt at : t.attempts()) {
          if (!at.isActive() && at.workerId().equals(workerId)) {
            out.add(new AttemptReport(t.id(), at.attemptId(), at.state(), at.exitCode(), "", null));
          }
        }
      }
    }
    if (ends % 7 == 0) {
      out.add(new AttemptReport(TaskId.parse("ghost/task-0"), 3, TaskState.RUNNING, 0, "", null));
    }
    return out;
  }

  /** The tasks of every job, in job order, that satisfy {@code which}. */
  public List<Task> tasks(Predicate<Task> which) {
    List<Task> out = new ArrayList<>();
    for (Job j : state.jobs()) {
      for (Task t : j.tasks()) {
        if (which.test(t)) {
          out.add(t);
        }
      }
    }
    return out;
  }
}
