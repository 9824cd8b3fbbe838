package dev.iris.bench;

import dev.iris.bench.AuthBench.Mode;
import dev.iris.bench.AuthBench.Op;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Scenario 9's figures from what {@link AuthBench} measured: per mode and call, the blocks' figures over all
 * measured blocks together, and again per epoch (fresh controllers each: to show how much the figures move),
 * and the percentiles of the lone calls; what {@code tokens} costs against
 * {@code none} and {@code tokens+tls} against {@code tokens}; the headline and whether the target holds.
 */
final class AuthReport {
  private static final double TARGET = 0.05;
  /** The figures of a run of blocks. */
  private static final Map<String, ToDoubleFunction<Totals>> FIGURES = figures();

  private final Map<Mode, Map<Op, List<CallLoop.Outcome>>> blocks;
  private final Map<Op, Map<Mode, long[]>> lone;
  private final JsonObject micro;
  private final int epochs;

  AuthReport(Map<Mode, Map<Op, List<CallLoop.Outcome>>> blocks, Map<Op, Map<Mode, long[]>> lone, JsonObject micro,
      int epochs) {
    this.blocks = blocks;
    this.epochs = epochs;
    this.lone = lone;
    this.micro = micro;
  }

  /**
   * Blocks taken together. Rates and CPU are the median block's: a block's time per call ranges over more than
   * tenfold on a shared machine (most of it other tenants' load, a GC pause), and a mean would follow the
   * few worst blocks; the overall rate (all calls over all the blocks' time) is kept beside it. Latencies are
   * the percentiles of all the blocks' calls together.
   */
  record Totals(long calls, long wallNs, double medianCallsPerSecond, double serverUs, double clientUs,
      double processUs, long[] latencyNs) {
    static Totals of(List<CallLoop.Outcome> blocks) {
      long calls = 0;
      long wall = 0;
      for (CallLoop.Outcome o : blocks) {
        calls += o.calls();
        wall += o.wallNs();
      }
      long[] latency = blocks.stream().flatMapToLong(o -> Arrays.stream(o.latencyNs())).sorted().toArray();
      return new Totals(calls, wall, median(blocks, CallLoop.Outcome::callsPerSecond),
          median(blocks, CallLoop.Outcome::serverCpuUsPerCall), median(blocks, CallLoop.Outcome::clientCpuUsPerCall),
          median(blocks, CallLoop.Outcome::processCpuUsPerCall), latency);
    }

    double callsPerSecond() {
      return medianCallsPerSecond;
    }

    double overallCallsPerSecond() {
      return calls / (wallNs / 1e9);
    }

    double p50Us() {
      return Bench.pct(latencyNs, 0.5) / 1e3;
    }

    double p99Us() {
      return Bench.pct(latencyNs, 0.99) / 1e3;
    }

    double serverCpuUs() {
      return serverUs;
    }

    double clientCpuUs() {
      return clientUs;
    }

    double processCpuUs() {
      return processUs;
    }
  }

  private static Map<String, ToDoubleFunction<Totals>> figures() {
    Map<String, ToDoubleFunction<Totals>> f = new LinkedHashMap<>();
    f.put("calls_per_s", Totals::callsPerSecond);
    f.put("calls_per_s_overall", Totals::overallCallsPerSecond);
    f.put("p50_us", Totals::p50Us);
    f.put("p99_us", Totals::p99Us);
    f.put("server_cpu_us_per_call", Totals::serverCpuUs);
    f.put("client_cpu_us_per_call", Totals::clientCpuUs);
    f.put("process_cpu_us_per_call", Totals::processCpuUs);
    return f;
  }

  /** The blocks of {@code mode}'s {@code op}, all together. */
  private Totals all(Mode mode, Op op) {
    return Totals.of(blocks.get(mode).get(op));
  }

  /** The same per epoch (each epoch's blocks are consecutive, and as many as the others' give or take one). */
  private List<Totals> perEpoch(Mode mode, Op op) {
    List<CallLoop.Outcome> os = blocks.get(mode).get(op);
    int n = Math.min(epochs, os.size());
    List<Totals> each = new java.util.ArrayList<>();
    for (int e = 0; e < n; e++) {
      each.add(Totals.of(os.subList(e * os.size() / n, (e + 1) * os.size() / n)));
    }
    return each;
  }

  Bench.Result result(AuthBench.Sizes sizes, int grants, String launchedJobState, JsonObject wallSeconds) {
    JsonObject modes = new JsonObject();
    for (Mode m : Mode.values()) {
      JsonObject ops = new JsonObject();
      for (Op op : Op.values()) {
        Totals all = all(m, op);
        List<Totals> epochs = perEpoch(m, op);
        JsonObject block = new JsonObject().put("calls", all.calls());
        JsonObject each = new JsonObject();
        FIGURES.forEach((name, f) -> {
          block.put(name, Bench.round(f.applyAsDouble(all), 1));
          JsonArray values = new JsonArray();
          epochs.forEach(t -> values.add(Bench.round(f.applyAsDouble(t), 1)));
          each.put(name, values);
        });
        long[] alone = lone.get(op).get(m);
        if (Boolean.getBoolean("bench.auth.dump")) {
          JsonArray raw = new JsonArray();
          blocks.get(m).get(op).forEach(o -> raw.add(new JsonArray().add(o.wallNs()).add(o.cpu().serverNs())
              .add(o.p50Us())));
          block.put("raw", raw);
        }
        ops.put(op.rpc, new JsonObject().put("blocks", block.put("epochs", each))
            .put("lone_calls", new JsonObject().put("n", alone.length).put("p50_us", us(alone, 0.5))
                .put("p90_us", us(alone, 0.9)).put("p99_us", us(alone, 0.99))));
      }
      modes.put(m.label, ops);
    }
    JsonObject tokens = costs(Mode.NONE, Mode.TOKENS);
    JsonObject tls = costs(Mode.TOKENS, Mode.TOKENS_TLS);
    double authUs = micro.getJsonObject("controller_auth_user_token").getDouble("cpu_ns_per_call_median") / 1e3;
    JsonObject share = new JsonObject();
    double worst = Double.NEGATIVE_INFINITY;
    for (Op op : Op.values()) {
      share.put(op.rpc, ratio(authUs / all(Mode.NONE, op).serverCpuUs()));
      JsonObject c = tokens.getJsonObject(op.rpc);
      worst = Math.max(worst, Math.max(c.getDouble("throughput_lost"), c.getDouble("p50_added")));
    }
    JsonObject data = new JsonObject().put("aa_control", AuthBench.AA_CONTROL)
        .put("in_flight", AuthBench.IN_FLIGHT).put("rounds", sizes.rounds())
        .put("warmup_rounds", sizes.warmupRounds()).put("epochs", sizes.epochs())
        .put("status_calls_per_block", sizes.statusCalls())
        .put("launch_calls_per_block", sizes.launchCalls()).put("lone_status_calls_per_mode", sizes.loneStatus())
        .put("lone_launch_calls_per_mode", sizes.loneLaunch()).put("users_file_grants", grants)
        .put("client", "same JVM, its own Vert.x, loopback gRPC (GrpcControllerLink)")
        .put("order", "blocks: each round GetJobStatus then LaunchJob, the modes in one of the six orders in turn; "
            + "lone calls: the modes take turns call by call, each turn in the next of the six orders")
        .put("launched_job_state_after", launchedJobState)
        .put("modes", modes).put("tokens_cost_vs_none", tokens).put("tls_cost_vs_tokens", tls)
        .put("authenticate_us", Bench.round(authUs, 3))
        .put("authenticate_share_of_none_server_cpu_per_call", share)
        .put("micro", micro).put("wall_s", wallSeconds)
        .put("note", "blocks: per mode, the median block's calls/s and CPU per call (calls_per_s_overall: all "
            + "calls over all the blocks' time), the percentiles of all its blocks' calls, and the same per epoch. "
            + "Costs of b against a: throughput_lost = 1 - b/a of calls/s, the others b/a - 1; "
            + "*_epochs: the same per epoch; lone_*: of the lone calls' percentiles. server CPU = every Java "
            + "thread of the JVM but the client's event loops and the bench's (no GC, no JIT); process CPU "
            + "includes all, 10 ms resolution per block");
    String figure = String.format("tokens: GetJobStatus %s calls/s, %s p50; LaunchJob %s calls/s, %s p50; "
            + "authenticate %.2f us (%.1f%% / %.1f%% of a call's server CPU); TLS on top: %s / %s calls/s",
        lost(tokens, Op.STATUS), added(tokens, Op.STATUS), lost(tokens, Op.LAUNCH), added(tokens, Op.LAUNCH), authUs,
        100 * share.getDouble(Op.STATUS.rpc), 100 * share.getDouble(Op.LAUNCH.rpc), lost(tls, Op.STATUS),
        lost(tls, Op.LAUNCH));
    if (AuthBench.AA_CONTROL) {
      figure = "A/A control (none = tokens): " + figure;
    }
    return new Bench.Result("auth", figure, "tokens: < 5% calls/s and p50", worst < TARGET, data);
  }

  /** What mode {@code b} costs against mode {@code a}, per call and per figure. */
  private JsonObject costs(Mode a, Mode b) {
    JsonObject costs = new JsonObject();
    for (Op op : Op.values()) {
      Totals ta = all(a, op);
      Totals tb = all(b, op);
      List<Totals> ba = perEpoch(a, op);
      List<Totals> bb = perEpoch(b, op);
      JsonObject c = new JsonObject();
      cost(c, "throughput_lost", ta, tb, ba, bb, Totals::callsPerSecond, true);
      cost(c, "throughput_lost_overall", ta, tb, ba, bb, Totals::overallCallsPerSecond, true);
      cost(c, "p50_added", ta, tb, ba, bb, Totals::p50Us, false);
      cost(c, "p99_added", ta, tb, ba, bb, Totals::p99Us, false);
      cost(c, "server_cpu_added", ta, tb, ba, bb, Totals::serverCpuUs, false);
      cost(c, "client_cpu_added", ta, tb, ba, bb, Totals::clientCpuUs, false);
      cost(c, "process_cpu_added", ta, tb, ba, bb, Totals::processCpuUs, false);
      c.put("server_cpu_added_us", Bench.round(tb.serverCpuUs() - ta.serverCpuUs(), 2));
      long[] la = lone.get(op).get(a);
      long[] lb = lone.get(op).get(b);
      for (double q : new double[] {0.5, 0.9, 0.99}) {
        c.put("lone_p" + Math.round(q * 100) + "_added", ratio((double) Bench.pct(lb, q) / Bench.pct(la, q) - 1));
      }
      c.put("lone_p50_added_us", Bench.round((Bench.pct(lb, 0.5) - Bench.pct(la, 0.5)) / 1e3, 2));
      costs.put(op.rpc, c);
    }
    return costs;
  }

  private static void cost(JsonObject into, String name, Totals a, Totals b, List<Totals> as, List<Totals> bs,
      ToDoubleFunction<Totals> f, boolean loss) {
    JsonArray epochs = new JsonArray();
    for (int i = 0; i < as.size(); i++) {
      epochs.add(ratio(change(f.applyAsDouble(as.get(i)), f.applyAsDouble(bs.get(i)), loss)));
    }
    into.put(name, ratio(change(f.applyAsDouble(a), f.applyAsDouble(b), loss))).put(name + "_epochs", epochs);
  }

  /** {@code b} against {@code a}: what fraction was lost ({@code loss}) or added. */
  private static double change(double a, double b, boolean loss) {
    return loss ? 1 - b / a : b / a - 1;
  }

  private static double median(List<CallLoop.Outcome> os, ToDoubleFunction<CallLoop.Outcome> f) {
    double[] s = os.stream().mapToDouble(f).sorted().toArray();
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static double us(long[] sortedNs, double q) {
    return Bench.round(Bench.pct(sortedNs, q) / 1e3, 1);
  }

  private static double ratio(double r) {
    return Bench.round(r, 4);
  }

  /** Calls/s of {@code op} under the costlier mode, against the other, as a signed percentage. */
  private static String lost(JsonObject costs, Op op) {
    return String.format("%+.1f%%", -100 * costs.getJsonObject(op.rpc).getDouble("throughput_lost"));
  }

  /** The blocks' p50 of {@code op} under the costlier mode, against the other, as a signed percentage. */
  private static String added(JsonObject costs, Op op) {
    return String.format("%+.1f%%", 100 * costs.getJsonObject(op.rpc).getDouble("p50_added"));
  }
}
