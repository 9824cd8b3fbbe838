package dev.iris.bench;

import dev.iris.common.GrpcClients;
import dev.iris.common.HostPort;
import dev.iris.common.Tls;
import dev.iris.controller.ControllerAuth;
import dev.iris.core.JobId;
import dev.iris.core.auth.Caller;
import dev.iris.core.auth.Role;
import dev.iris.core.auth.TokenBook;
import dev.iris.link.GrpcControllerLink;
import dev.iris.node.ControllerNode;
import dev.iris.rpc.Controller;
import dev.iris.rpc.ControllerService;
import dev.iris.testing.TestCa;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.client.GrpcClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Scenario 9, auth: what authentication and TLS cost per {@code ControllerService} call, all modes in one run.
 * Three controllers in this JVM, one per {@link Mode}: {@code none} ({@link ControllerAuth#none()}, plaintext),
 * {@code tokens} (the admin token and a users file of ten grants; the client bears a <em>user</em>'s token, so
 * the lookup compares against every digest), {@code tokens+tls} (the same, over TLS with a {@link TestCa}
 * certificate). A client in this JVM (its own Vert.x) calls each over loopback gRPC: GetJobStatus of an
 * existing job, and LaunchJob of one-task jobs that stay PENDING (there are no workers; they are terminated,
 * untimed, after each block). Three measurements:
 * <ol>
 *   <li><b>Blocks</b>: a closed loop of {@value #IN_FLIGHT} callers ({@link CallLoop}) per mode and call: calls/s,
 *       p50, p99, CPU per call. One round is a short block (a few ms) of each call for each mode, the modes in
 *       one of their six orders in turn ({@link #orders}); the rounds are spread over several {@link #epoch
 *       epochs}, each with fresh controllers, after a warm-up epoch that is thrown away. Each
 *       mode's calls/s and CPU per call are its median block's, its latencies those of all its blocks' calls:
 *       hundreds of short blocks, interleaved, see the same machine, where a few long ones would each catch a
 *       different moment of the other tenants' load.
 *   <li><b>Lone calls</b>: one call in flight, the modes taking turns call by call: latency without queueing.
 *   <li><b>{@link ControllerAuth#authenticate} alone</b> in a tight loop ({@link AuthMicro}).
 * </ol>
 * The headline ({@link AuthReport}): the tokens' cost per call against {@code none} (the blocks' calls/s lost and
 * p50 added), target under 5%; TLS's cost against {@code tokens}, no target; authenticate's µs.
 * {@code -Dbench.auth.dump=true} adds every block's wall time, server CPU and p50 to the JSON.
 */
final class AuthBench {
  static final int IN_FLIGHT = 8;
  /**
   * {@code -Dbench.auth.aa=true}: an A/A control run, the {@code none} controller set up exactly as
   * {@code tokens}; whatever cost the run reports between them is the method's noise on this machine.
   */
  static final boolean AA_CONTROL = Boolean.getBoolean("bench.auth.aa");
  private static final long MB = 1L << 20;
  /** Lone calls between two clean-ups of the jobs they launched, per mode. */
  private static final int LONE_CHUNK = 500;

  /** How a controller authenticates and carries its calls. */
  enum Mode {
    NONE("none"), TOKENS("tokens"), TOKENS_TLS("tokens+tls");

    final String label;

    Mode(String label) {
      this.label = label;
    }

    String key() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  /** The calls timed. */
  enum Op {
    STATUS("GetJobStatus"), LAUNCH("LaunchJob");

    final String rpc;

    Op(String rpc) {
      this.rpc = rpc;
    }
  }

  /**
   * Calls per timed block; rounds (each a block of each call for each mode) of the warm-up epoch, none when 0;
   * measured rounds (in all); measured epochs (fresh controllers and client each); lone calls per mode (in all).
   */
  record Sizes(int statusCalls, int launchCalls, int warmupRounds, int rounds, int epochs, int loneStatus,
      int loneLaunch) {}

  /** One mode's controller, the client that calls it, and the job its GetJobStatus reads. */
  private record Target(Mode mode, Bench.Ctl ctl, GrpcClient grpc, ControllerService link,
      Controller.GetJobStatusRequest status) {
    /** One call of {@code op}; a LaunchJob launches the job {@link #jobName named} by {@code tag}. */
    Future<?> call(Op op, String tag) {
      return op == Op.STATUS ? link.getJobStatus(status)
          : link.launchJob(Bench.job(jobName(tag), 1, 1, 64 * MB, null, "/bin/true"));
    }

    String jobName(String tag) {
      return "auth-" + mode.key() + "-" + tag;
    }

    /** Terminates the job named by {@code tag} (untimed clean-up, over the event bus: as an admin). */
    Future<?> terminate(String tag) {
      return ctl.bus.terminateJob(Controller.TerminateJobRequest.newBuilder()
          .setJobId(JobId.root(jobName(tag)).value()).build());
    }
  }

  private final boolean tiny;

  AuthBench(boolean tiny) {
    this.tiny = tiny;
  }

  Bench.Result run() throws Exception {
    Sizes sizes = tiny ? new Sizes(50, 20, 0, 3, 1, 60, 30)
        : new Sizes(Integer.getInteger("bench.auth.statusCalls", 200),
            Integer.getInteger("bench.auth.launchCalls", 100), Integer.getInteger("bench.auth.warmupRounds", 60),
            Integer.getInteger("bench.rounds", 300), Integer.getInteger("bench.auth.epochs", 6),
            Integer.getInteger("bench.auth.loneStatus", 3_000), Integer.getInteger("bench.auth.loneLaunch", 1_500));
    String userToken = Bench.newToken();
    List<TokenBook.Grant> grants = usersFile(userToken);
    Path dir = Files.createTempDirectory("iris-bench-auth-");
    Measured measured = new Measured();
    long t0 = System.nanoTime();
    try {
      // keytool's JVMs make the CA and certificate while the two plaintext controllers start
      CompletableFuture<TestCa> ca = CompletableFuture.supplyAsync(() -> TestCa.create(dir));
      CompletableFuture<TestCa.Issued> cert = ca.thenApply(c -> c.issue("controller"));
      Credentials credentials = new Credentials(grants, userToken, ca, cert);
      if (sizes.warmupRounds() > 0) {
        epoch(-1, sizes, credentials, new Measured()); // the JIT's; thrown away
      }
      for (int epoch = 0; epoch < sizes.epochs(); epoch++) {
        epoch(epoch, sizes, credentials, measured);
      }
      long t1 = System.nanoTime();
      JsonObject micro = micro(grants, userToken);
      long t2 = System.nanoTime();
      JsonObject wall = new JsonObject().put("all_epochs", Bench.round((t1 - t0) / 1e9, 2))
          .put("each_epoch", measured.wall).put("micro", Bench.round((t2 - t1) / 1e9, 2));
      return new AuthReport(measured.blocks, measured.lone(), micro, sizes.epochs())
          .result(sizes, grants.size(), measured.launchedJobState, wall);
    } finally {
      Bench.deleteTree(dir);
    }
  }

  /** What the controllers are set up with; the TLS files come from keytool, in the background. */
  private record Credentials(List<TokenBook.Grant> grants, String userToken, CompletableFuture<TestCa> ca,
      CompletableFuture<TestCa.Issued> cert) {}

  /** Every epoch's blocks and lone calls, per mode and call. */
  private static final class Measured {
    final Map<Mode, Map<Op, List<CallLoop.Outcome>>> blocks = new EnumMap<>(Mode.class);
    final Map<Op, Map<Mode, List<long[]>>> lone = new EnumMap<>(Op.class);
    String launchedJobState = "";
    /** Seconds each epoch took to start its controllers, to run its blocks, and its lone calls. */
    final JsonArray wall = new JsonArray();

    Measured() {
      for (Mode m : Mode.values()) {
        blocks.put(m, new EnumMap<>(Op.class));
        for (Op op : Op.values()) {
          blocks.get(m).put(op, new ArrayList<>());
          lone.computeIfAbsent(op, o -> new EnumMap<>(Mode.class)).put(m, new ArrayList<>());
        }
      }
    }

    /** Each mode's lone-call latencies of every epoch together, sorted. */
    Map<Op, Map<Mode, long[]>> lone() {
      Map<Op, Map<Mode, long[]>> all = new EnumMap<>(Op.class);
      lone.forEach((op, modes) -> modes.forEach((m, parts) -> all.computeIfAbsent(op, o -> new EnumMap<>(Mode.class))
          .put(m, parts.stream().flatMapToLong(Arrays::stream).sorted().toArray())));
      return all;
    }
  }

  /**
   * One epoch: fresh controllers and a fresh client, a round in each order to settle, this epoch's share of the
   * measured rounds and of the lone calls; epoch -1 is the warm-up epoch. Each epoch starts new threads, which
   * the kernel places anew: within one set of controllers, one can stay ahead of an identical other by 10% and
   * more as long as they run (A/A runs, {@link #AA_CONTROL}, show it), so a run spreads over several sets.
   */
  private static void epoch(int epoch, Sizes sizes, Credentials credentials, Measured measured) throws Exception {
    long t0 = System.nanoTime();
    Vertx clientVertx = Vertx.vertx();
    List<Target> targets = new ArrayList<>();
    try {
      for (Mode mode : Mode.values()) {
        targets.add(mode == Mode.TOKENS_TLS
            ? start(mode, credentials, credentials.cert().get(60, TimeUnit.SECONDS),
                credentials.ca().get().cert(), clientVertx)
            : start(mode, credentials, null, null, clientVertx));
      }
      CpuMeter meter = CpuMeter.of(clientVertx);
      for (Target t : targets) {
        Bench.await(t.link().launchJob(Bench.job(statusJobName(t.mode()), 1, 1, 64 * MB, null, "/bin/true")), 30);
      }
      List<List<Target>> orders = orders(targets);
      long t1 = System.nanoTime();
      int warmup = Math.min(orders.size(), sizes.rounds() / sizes.epochs()); // to settle, not measured
      int rounds = epoch < 0 ? sizes.warmupRounds() : share(sizes.rounds(), sizes.epochs(), epoch);
      for (int round = 0; round < warmup + rounds; round++) {
        for (Op op : Op.values()) {
          for (Target t : orders.get(round % orders.size())) {
            int calls = op == Op.STATUS ? sizes.statusCalls() : sizes.launchCalls();
            CallLoop.Outcome o = block(t, op, calls, "e" + (epoch + 1) + "r" + round, meter);
            if (round >= warmup) {
              measured.blocks.get(t.mode()).get(op).add(o);
            }
          }
        }
      }
      long t2 = System.nanoTime();
      for (Op op : Op.values()) {
        int calls = share(op == Op.STATUS ? sizes.loneStatus() : sizes.loneLaunch(), sizes.epochs(),
            Math.max(0, epoch));
        lone(orders, op, calls, "e" + (epoch + 1)).forEach((m, latency) -> measured.lone.get(op).get(m).add(latency));
      }
      // the launched jobs stayed PENDING (no workers), so every LaunchJob did the same work
      measured.launchedJobState = Bench.await(targets.get(1).link().getJobStatus(targets.get(1).status()), 30)
          .getJob().getState().name();
      measured.wall.add(new JsonObject().put("start", Bench.round((t1 - t0) / 1e9, 2))
          .put("blocks", Bench.round((t2 - t1) / 1e9, 2)).put("lone", Bench.round((System.nanoTime() - t2) / 1e9, 2)));
    } finally {
      for (Target t : targets) {
        t.grpc().close();
        t.ctl().close();
      }
      Bench.await(clientVertx.close(), 30);
    }
  }

  /** Epoch {@code i}'s share of {@code total} over {@code n} epochs. */
  private static int share(int total, int n, int i) {
    return total * (i + 1) / n - total * i / n;
  }

  /**
   * The six orders of the three modes (ABC, ACB, BAC, BCA, CAB, CBA), one per round in turn: each mode runs
   * first, second and third equally often, and after each other mode equally often (a mere rotation, ABC BCA
   * CAB, would always run A after C and so charge A with whatever C leaves behind: garbage, a TLS engine's
   * clean-up, the scheduler's pass over C's jobs).
   */
  private static List<List<Target>> orders(List<Target> targets) {
    List<List<Target>> orders = new ArrayList<>();
    for (int[] p : new int[][] {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}}) {
      orders.add(List.of(targets.get(p[0]), targets.get(p[1]), targets.get(p[2])));
    }
    return orders;
  }

  /** Ten grants, as a users file holds them: users, viewers, workers and an admin; the fifth is the caller's. */
  private static List<TokenBook.Grant> usersFile(String callerToken) {
    String[] names = {"bob", "carol", "dave", "erin", "alice", "frank", "grace", "heidi", "ivan", "judy"};
    Role[] roles = {Role.USER, Role.VIEWER, Role.WORKER, Role.ADMIN, Role.USER, Role.USER, Role.VIEWER, Role.WORKER,
        Role.USER, Role.USER};
    List<TokenBook.Grant> grants = new ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      grants.add(new TokenBook.Grant(names[i].equals("alice") ? callerToken : Bench.newToken(),
          Caller.of(names[i], roles[i])));
    }
    return grants;
  }

  private static String statusJobName(Mode mode) {
    return "auth-status-" + mode.key();
  }

  private static Target start(Mode mode, Credentials credentials, TestCa.Issued cert, Path caCert,
      Vertx clientVertx) throws Exception {
    boolean plain = mode == Mode.NONE && !AA_CONTROL;
    ControllerNode.Config config = ControllerNode.Config.defaults("127.0.0.1", 0)
        .withAuth(plain ? ControllerAuth.none() : ControllerAuth.of(Bench.TOKEN, credentials.grants()));
    Tls clientTls = Tls.NONE;
    if (mode == Mode.TOKENS_TLS) {
      config = config.withTls(Tls.serving(cert.cert(), cert.key()));
      clientTls = Tls.trusting(caCert);
    }
    Bench.Ctl ctl = Bench.Ctl.startAsConfigured(config);
    GrpcClient grpc = GrpcClients.create(clientVertx, clientTls);
    ControllerService link = new GrpcControllerLink(grpc, HostPort.parse(ctl.address()).toSocketAddress(), 30_000,
        plain ? "" : credentials.userToken());
    return new Target(mode, ctl, grpc, link, Controller.GetJobStatusRequest.newBuilder()
        .setJobId(JobId.root(statusJobName(mode)).value()).build());
  }

  /** One timed block; a LaunchJob block's jobs are terminated afterwards (untimed) so none stays pending. */
  private static CallLoop.Outcome block(Target t, Op op, int calls, String round, CpuMeter meter) throws Exception {
    String tag = round + "-";
    CallLoop.Outcome o = CallLoop.run(calls, IN_FLIGHT, meter, i -> t.call(op, tag + i));
    if (op == Op.LAUNCH) {
      CallLoop.latencies(calls, IN_FLIGHT, i -> t.terminate(tag + i));
    }
    return o;
  }

  /**
   * Lone calls: one in flight, the modes taking turns call by call, each turn of three in the next of the six
   * orders. Answers each mode's latencies. LaunchJob's jobs are terminated every {@value #LONE_CHUNK}
   * turns (untimed).
   */
  private static Map<Mode, long[]> lone(List<List<Target>> orders, Op op, int callsPerMode, String epoch)
      throws Exception {
    int modes = orders.get(0).size();
    Map<Mode, long[]> latency = new EnumMap<>(Mode.class);
    for (Target t : orders.get(0)) {
      latency.put(t.mode(), new long[callsPerMode]);
    }
    for (int from = 0; from < callsPerMode; from += LONE_CHUNK) {
      int turns = Math.min(LONE_CHUNK, callsPerMode - from);
      int first = from;
      long[] lat = CallLoop.latencies(turns * modes, 1,
          i -> turn(orders, first, i, modes).call(op, epoch + "lone-" + (first + i / modes)));
      for (int i = 0; i < lat.length; i++) {
        latency.get(turn(orders, first, i, modes).mode())[first + i / modes] = lat[i];
      }
      if (op == Op.LAUNCH) {
        for (Target t : orders.get(0)) {
          CallLoop.latencies(turns, IN_FLIGHT, j -> t.terminate(epoch + "lone-" + (first + j)));
        }
      }
    }
    return latency;
  }

  /** Whom call {@code i} of the lone calls starting at turn {@code first} goes to. */
  private static Target turn(List<List<Target>> orders, int first, int i, int modes) {
    return orders.get((first + i / modes) % orders.size()).get(i % modes);
  }

  /** {@link ControllerAuth#authenticate} and {@link TokenBook#authenticate} alone, per kind of credential. */
  private JsonObject micro(List<TokenBook.Grant> grants, String userToken) {
    int warm = tiny ? 2 : 10;
    int iterations = tiny ? 3 : 11;
    int calls = tiny ? 2_000 : 50_000;
    ControllerAuth auth = ControllerAuth.of(Bench.TOKEN, grants);
    ControllerAuth none = ControllerAuth.none();
    TokenBook book = auth.tokens();
    String taskToken = book.taskToken(JobId.root("auth-micro"), "alice");
    JsonObject micro = new JsonObject().put("warmup_iterations", warm).put("iterations", iterations)
        .put("calls_per_iteration", calls).put("known_digests", grants.size() + 1);
    micro.put("controller_auth_user_token", AuthMicro.measure(h -> auth.authenticate(h).role().ordinal(),
        "Bearer " + userToken, warm, iterations, calls).json());
    micro.put("controller_auth_none", AuthMicro.measure(h -> none.authenticate(h).role().ordinal(),
        null, warm, iterations, calls).json());
    for (String[] kind : new String[][] {{"admin", Bench.TOKEN}, {"user", userToken}, {"unknown", Bench.newToken()},
        {"task", taskToken}}) {
      micro.put("token_book_" + kind[0], AuthMicro.measure(tok -> book.authenticate(tok).map(c -> c.role().ordinal())
          .orElse(-1), kind[1], warm, iterations, calls).json());
    }
    return micro;
  }
}
