package dev.iris.e2e.netlab;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One simulated host of a {@link NetLab}: a network namespace with one address. Processes started through
 * {@link #prefix()} live in it (they share the machine's filesystem, pids and clock with everything else).
 */
public final class Host {
  private final NetLab lab;
  private final String name;
  private final String namespace;
  private final String address;
  private final String mac;
  private final String port;

  Host(NetLab lab, String name, String namespace, String address, String mac, String port) {
    this.lab = lab;
    this.name = name;
    this.namespace = namespace;
    this.address = address;
    this.mac = mac;
    this.port = port;
  }

  /** What a TCP connect from one host to an address found. */
  public enum Reach {
    /** Something listens there and accepted. */
    CONNECTED,
    /** The host answered that nothing listens there: it is reachable. */
    REFUSED,
    /** No answer at all within the time given: a partition looks like this. */
    TIMED_OUT,
    /** Any other error (no route, unreachable). */
    FAILED
  }

  public String name() {
    return name;
  }

  /** Its IPv4 address, e.g. 198.18.0.2. */
  public String address() {
    return address;
  }

  /** The name of its network namespace ({@code ip netns list}). */
  public String namespace() {
    return namespace;
  }

  String mac() {
    return mac;
  }

  /** The name of its port on the lab's bridge (inside the switch namespace). */
  String port() {
    return port;
  }

  /**
   * The command line prefix that runs a command inside this host: {@code nsenter --net=/run/netns/NS --}. It
   * enters only the network namespace (unlike {@code ip netns exec}, it does not remount /sys) and execs the
   * command, so the process started is the command itself.
   */
  public List<String> prefix() {
    return List.of(Tools.NSENTER, "--net=/run/netns/" + namespace, "--");
  }

  /** Runs {@code command} inside this host to its end (at most 30 s): exit code and output. */
  public Cmd.Result exec(String... command) {
    List<String> full = new ArrayList<>(prefix());
    full.addAll(List.of(command));
    return Cmd.run(full);
  }

  /** A TCP connect from this host to {@code address:port}, given up after {@code timeout}. */
  public Reach connect(String targetAddress, int targetPort, Duration timeout) {
    long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
    List<String> command = new ArrayList<>(prefix());
    command.addAll(List.of(Tools.TIMEOUT, Long.toString(seconds), Tools.BASH, "-c",
        "exec 3<>/dev/tcp/" + targetAddress + "/" + targetPort));
    Cmd.Result r = Cmd.run(command, timeout.plusSeconds(10));
    if (r.ok()) {
      return Reach.CONNECTED;
    }
    if (r.exitCode() == 124) {
      return Reach.TIMED_OUT;
    }
    return r.output().contains("refused") ? Reach.REFUSED : Reach.FAILED;
  }

  /** {@link #connect(String, int, Duration)} to {@code target}'s address. */
  public Reach connect(Host target, int targetPort, Duration timeout) {
    return connect(target.address(), targetPort, timeout);
  }

  /** Whether the lab has cut this host off now. */
  public boolean isCut() {
    return lab.isCut(this);
  }

  @Override
  public String toString() {
    return name + "@" + address;
  }
}
