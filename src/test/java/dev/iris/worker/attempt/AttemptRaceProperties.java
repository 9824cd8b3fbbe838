package dev.iris.worker.attempt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iris.core.TaskState;
import dev.iris.worker.attempt.AttemptEvent.BundleInstalled;
import dev.iris.worker.attempt.AttemptEvent.KillDone;
import dev.iris.worker.attempt.AttemptEvent.KillRequested;
import dev.iris.worker.attempt.AttemptEvent.MayStart;
import dev.iris.worker.attempt.AttemptEvent.Prepared;
import dev.iris.worker.attempt.AttemptEvent.ProcessExited;
import dev.iris.worker.attempt.AttemptEvent.ProcessStarted;
import dev.iris.worker.attempt.AttemptEvent.ReportSettled;
import dev.iris.worker.attempt.AttemptEvent.StepFailed;
import dev.iris.worker.attempt.AttemptEvent.TimeoutExpired;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Every interleaving of kills, exits, timeouts, supersedes, failing steps and report answers, played
 * against the real lifecycle on a fake runtime and a fake clock (the same rules the worker's shell follows:
 * effects answer with events in any order, a new attempt of the task starts only once the previous one
 * ended). Asserts that each attempt ends exactly once with exactly one final report, that a kill ends
 * KILLED unless the attempt had finished, that no port, directory or process outlives its attempt, and
 * that two attempts of a task never have processes alive at once.
 */
class AttemptRaceProperties {
  private static final Duration GRACE = Duration.ofSeconds(1);

  @Property(tries = 10_000)
  void everyInterleavingEndsEachAttemptOnceAndCleanly(@ForAll boolean bundle, @ForAll boolean setup,
      @ForAll boolean ports, @ForAll boolean timeout,
      @ForAll @Size(max = 120) List<@IntRange(min = 0, max = 9_999) Integer> choices) {
    World world = new World(bundle, setup, ports, timeout);
    for (int choice : choices) {
      world.act(choice);
    }
    world.drain();
    for (Sim a : world.attempts) {
      assertThat(a.state.isFinished()).as("%s ended", a.spec.key()).isTrue();
      assertThat(a.finished).as("Finished effects of %s", a.spec.key()).isEqualTo(1);
      assertThat(a.cleanUps).as("CleanUp effects of %s", a.spec.key()).isEqualTo(1);
      assertThat(a.finalReports).as("final reports of %s", a.spec.key()).isEqualTo(1);
      assertThat(a.portReleases).as("port releases of %s", a.spec.key()).isEqualTo(ports ? 1 : 0);
      assertThat(a.effectsAfterFinish).as("effects after %s finished", a.spec.key()).isZero();
      if (a.killApplied) {
        assertThat(a.state.outcome().state()).as("outcome of killed %s", a.spec.key()).isEqualTo(TaskState.KILLED);
      }
      for (Proc p : a.procs.values()) {
        assertThat(p.rootExited && p.treeGone).as("a process of %s is gone", a.spec.key()).isTrue();
      }
    }
    assertThat(world.violations).isEmpty();
  }

  /** A process the fake runtime started: its root, and the tree around it. */
  private static final class Proc {
    boolean rootExited;
    boolean exitQueued;
    boolean treeGone;
  }

  /** One attempt as the shell holds it, with what its effects did. */
  private static final class Sim {
    final AttemptSpec spec;
    AttemptState state;
    final Map<Command, Proc> procs = new EnumMap<>(Command.class);
    boolean killApplied;
    int finished;
    int cleanUps;
    int finalReports;
    int portReleases;
    int effectsAfterFinish;
    Sim successor;

    Sim(AttemptSpec spec) {
      this.spec = spec;
      this.state = AttemptState.accepted(spec);
    }
  }

  /** A completion the fake runtime may deliver: one of several outcomes, picked when it is delivered. */
  private record Pending(Sim attempt, String what, List<Runnable> outcomes) {}

  private static final class World {
    final boolean bundle;
    final boolean setup;
    final boolean ports;
    final boolean timeout;
    final List<Sim> attempts = new ArrayList<>();
    final List<Pending> pending = new ArrayList<>();
    final List<String> violations = new ArrayList<>();
    long now = 1_000;
    int kills;

    World(boolean bundle, boolean setup, boolean ports, boolean timeout) {
      this.bundle = bundle;
      this.setup = setup;
      this.ports = ports;
      this.timeout = timeout;
      Sim first = newAttempt();
      pending.add(new Pending(first, "predecessor gone", List.of(() -> apply(first, new MayStart()))));
    }

    Sim newAttempt() {
      Sim a = new Sim(Attempts.spec(attempts.size(), bundle, setup, ports, timeout ? 5 : 0));
      attempts.add(a);
      return a;
    }

    Sim current() {
      return attempts.get(attempts.size() - 1);
    }

    /** One step of the world, picked by {@code choice} among what can happen now. */
    void act(int choice) {
      List<Runnable> possible = new ArrayList<>();
      for (int i = 0; i < pending.size(); i++) {
        int index = i;
        possible.add(() -> deliver(index, choice / 7));
      }
      for (Sim a : attempts) {
        a.procs.forEach((command, p) -> {
          if (!p.rootExited) {
            possible.add(() -> exitNaturally(a, command, p, choice % 3 == 0 ? 0 : 1));
          }
        });
        if (a.state.reportUnsettled()) {
          possible.add(() -> apply(a, new ReportSettled(choice % 2 == 0)));
        }
      }
      if (kills < 2) {
        possible.add(() -> {
          kills++;
          apply(current(), new KillRequested(GRACE, "Killed by request"));
        });
      }
      if (attempts.size() < 3) {
        possible.add(this::supersede);
      }
      if (possible.isEmpty()) {
        return; // everything settled and nothing more may arrive
      }
      possible.get(choice % possible.size()).run();
      now += choice % 50;
    }

    /** Delivers whatever is pending and lets every process exit, until nothing is left. */
    void drain() {
      for (int guard = 0; guard < 1_000; guard++) {
        if (!pending.isEmpty()) {
          deliver(0, 0);
          continue;
        }
        boolean exited = false;
        for (Sim a : attempts) {
          for (Map.Entry<Command, Proc> e : a.procs.entrySet()) {
            if (!e.getValue().rootExited && !exited) {
              exitNaturally(a, e.getKey(), e.getValue(), 0);
              exited = true;
            }
          }
        }
        if (!exited) {
          return;
        }
      }
      violations.add("the world did not settle");
    }

    void deliver(int index, int pick) {
      Pending p = pending.remove(index);
      p.outcomes().get(pick % p.outcomes().size()).run();
    }

    void exitNaturally(Sim a, Command command, Proc p, int code) {
      p.rootExited = true;
      if (!p.exitQueued) {
        p.exitQueued = true;
        pending.add(new Pending(a, command + " exit", List.of(() -> apply(a, new ProcessExited(command, code, "x")))));
      }
    }

    /** A newer attempt arrives: the current one is killed, and the new one starts once it ended. */
    void supersede() {
      Sim previous = current();
      Sim next = newAttempt();
      apply(previous, new KillRequested(GRACE, "Superseded by attempt " + next.spec.key().attemptId()));
      if (previous.cleanUps > 0 && pending.stream().noneMatch(p -> p.attempt() == previous && p.what().equals("ended"))) {
        pending.add(new Pending(next, "predecessor gone", List.of(() -> apply(next, new MayStart()))));
      } else {
        previous.successor = next;
      }
    }

    void apply(Sim a, AttemptEvent event) {
      boolean wasFinished = a.state.isFinished();
      Step step = AttemptLifecycle.apply(a.state, event, now);
      a.state = step.next();
      if (event instanceof KillRequested && step.applied()) {
        a.killApplied = true;
      }
      if (wasFinished) {
        a.effectsAfterFinish += step.effects().size();
      }
      for (AttemptEffect effect : step.effects()) {
        carryOut(a, effect);
      }
      checkOneTaskAlive();
    }

    void carryOut(Sim a, AttemptEffect effect) {
      if (effect instanceof AttemptEffect.Report && a.state.isFinished()) {
        a.finalReports++;
      } else if (effect instanceof AttemptEffect.Prepare p) {
        Runnable ok = () -> {
          apply(a, new Prepared(Path.of("/w/" + a.spec.key().attemptDirectoryName()), Map.of()));
          if (p.startCommand()) {
            start(a, Command.MAIN);
          }
        };
        pending.add(new Pending(a, "prepare", List.of(ok, () -> apply(a, new StepFailed("disk full")))));
      } else if (effect instanceof AttemptEffect.InstallBundle) {
        pending.add(new Pending(a, "install", List.of(() -> apply(a, new BundleInstalled(true)),
            () -> apply(a, new StepFailed("no bundle")))));
      } else if (effect instanceof AttemptEffect.StartProcess s) {
        pending.add(new Pending(a, "start " + s.command(), List.of(() -> start(a, s.command()),
            () -> apply(a, new StepFailed("cannot start")))));
      } else if (effect instanceof AttemptEffect.KillProcess k) {
        Proc p = a.procs.get(k.command());
        if (p == null) {
          violations.add(a.spec.key() + ": kill of " + k.command() + ", which never started");
          return;
        }
        exitNaturally(a, k.command(), p, 143); // the root dies of the signal, unless it had exited already
        pending.add(new Pending(a, "kill " + k.command(), List.of(() -> {
          p.treeGone = true;
          apply(a, new KillDone(k.command()));
        })));
      } else if (effect instanceof AttemptEffect.ArmTimeout) {
        pending.add(new Pending(a, "timer", List.of(() -> apply(a, new TimeoutExpired()))));
      } else if (effect instanceof AttemptEffect.CancelTimeout) {
        pending.removeIf(p -> p.attempt() == a && p.what().equals("timer"));
      } else if (effect instanceof AttemptEffect.ReleasePorts) {
        a.portReleases++;
      } else if (effect instanceof AttemptEffect.CleanUp c) {
        a.cleanUps++;
        a.procs.forEach((command, p) -> {
          if (!p.rootExited) {
            violations.add(a.spec.key() + ": cleaned up while the root of " + command + " runs");
          }
          if (c.sweep().contains(command)) {
            p.treeGone = true; // the sweeper kills what the tree left behind
          } else if (!p.treeGone) {
            violations.add(a.spec.key() + ": " + command + " was neither swept nor killed to the end");
          }
        });
        pending.add(new Pending(a, "ended", List.of(() -> {
          if (a.successor != null) {
            Sim next = a.successor;
            pending.add(new Pending(next, "predecessor gone", List.of(() -> apply(next, new MayStart()))));
          }
        })));
      } else if (effect instanceof AttemptEffect.Finished) {
        a.finished++;
      }
    }

    void start(Sim a, Command command) {
      if (a.procs.containsKey(command)) {
        violations.add(a.spec.key() + ": " + command + " started twice");
      }
      a.procs.put(command, new Proc());
      apply(a, new ProcessStarted(command));
    }

    void checkOneTaskAlive() {
      long alive = attempts.stream().filter(a -> a.procs.values().stream().anyMatch(p -> !p.treeGone)).count();
      if (alive > 1) {
        violations.add("processes of " + alive + " attempts of the task alive at once");
      }
    }
  }
}
