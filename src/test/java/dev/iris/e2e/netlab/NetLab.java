package dev.iris.e2e.netlab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Simulated hosts on one simulated switch, made of Linux network namespaces by the test itself, so a test can
 * cut a host off the network and heal it again.
 *
 * <p>Shape: a "switch" namespace holds a bridge {@code br0}; each host is a namespace whose {@code eth0} is one
 * end of a veth pair, the other end ({@code p1}, {@code p2}, ...) a port of the bridge. Every veth is made
 * inside the switch namespace and its host end moved straight into its host, so the root namespace never sees
 * an interface, a route or an address of the lab. Hosts get 198.18.0.1, .2, ... /24 (198.18.0.0/15 is
 * reserved for testing, RFC 2544) and no default route: nothing leaves the lab. Each host knows every other
 * host's MAC address (permanent neighbour entries), so no ARP is needed.
 *
 * <p>{@link #cut} disables the host's bridge port: frames in both directions are dropped, silently. The host's
 * own link stays up, as when a switch or cable elsewhere fails: a connect to or from it times out, established
 * TCP connections see no packets at all (no RST, no ICMP, no "no route to host"). {@link #heal} enables the
 * port again; connections that did not give up meanwhile carry on.
 *
 * <p>Namespaces are named {@code irislab-<pid>-<n>-<name>-<host>} after the creating JVM. {@link #close}
 * kills every process still inside a host (orphaned tasks included) and deletes every namespace, which takes
 * the veths and the bridge with it; a JVM shutdown hook does the same if the test never gets to close, and
 * {@link #create} first sweeps the leftovers of labs whose JVM is gone (a crashed or SIGKILLed run).
 * Where namespaces cannot be made (not root, no iproute2, no nsenter), {@link #create} aborts the test as a
 * JUnit assumption with one clear message.
 */
public final class NetLab implements AutoCloseable {
  /** The first part of every namespace name a lab makes. */
  public static final String PREFIX = "irislab-";
  private static final Pattern OURS = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)-.*");
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]{0,15}");
  private static final AtomicInteger LABS = new AtomicInteger();
  private static volatile Optional<String> unavailable;

  private final String name;
  private final String base;
  private final String switchNs;
  private final Map<String, Host> hosts = new LinkedHashMap<>();
  private final Set<String> cutOff = ConcurrentHashMap.newKeySet();
  private final List<String> namespaces = Collections.synchronizedList(new ArrayList<>());
  private final Thread shutdownHook;
  private boolean closed;

  private NetLab(String name) {
    this.name = name;
    this.base = PREFIX + ProcessHandle.current().pid() + "-" + LABS.incrementAndGet() + "-" + name + "-";
    this.switchNs = base + "switch";
    this.shutdownHook = new Thread(this::close, "netlab-" + name + "-cleanup");
  }

  /**
   * A lab named {@code name} with one host per name in {@code hostNames} (lower-case letters and digits, at most
   * 16 characters), every host reaching every other. Aborts the calling test (a JUnit assumption) where network
   * namespaces cannot be made.
   */
  public static NetLab create(String name, String... hostNames) {
    assumeAvailable();
    requireName("lab", name);
    if (hostNames.length == 0 || hostNames.length > 250) {
      throw new IllegalArgumentException("a lab has 1 to 250 hosts, not " + hostNames.length);
    }
    sweep();
    NetLab lab = new NetLab(name);
    Runtime.getRuntime().addShutdownHook(lab.shutdownHook);
    try {
      lab.build(List.of(hostNames));
      return lab;
    } catch (RuntimeException e) {
      lab.close();
      throw e;
    }
  }

  /** Aborts the calling test, as a JUnit assumption with the reason, where a lab cannot be made here. */
  public static void assumeAvailable() {
    Optional<String> why = unavailableBecause();
    Assumptions.assumeTrue(why.isEmpty(), () -> "netlab: skipped, network namespaces cannot be made here: "
        + why.orElse(""));
  }

  /** Why no lab can be made on this machine, or empty if one can (checked once per JVM, by making a namespace). */
  public static Optional<String> unavailableBecause() {
    Optional<String> known = unavailable;
    if (known == null) {
      known = probe();
      unavailable = known;
    }
    return known;
  }

  private static Optional<String> probe() {
    if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
      return Optional.of("not Linux");
    }
    for (String tool : List.of(Tools.IP, Tools.BRIDGE, Tools.NSENTER)) {
      if (!Files.isExecutable(Path.of(tool))) {
        return Optional.of(tool + " not found (packages iproute2 and util-linux)");
      }
    }
    String probe = PREFIX + ProcessHandle.current().pid() + "-0-probe";
    Cmd.Result made = Cmd.run(Tools.IP, "netns", "add", probe);
    if (!made.ok()) {
      return Optional.of("'ip netns add' failed (root needed): " + made.output().strip());
    }
    Cmd.Result deleted = Cmd.run(Tools.IP, "netns", "delete", probe);
    return deleted.ok() ? Optional.empty() : Optional.of("'ip netns delete' failed: " + deleted.output().strip());
  }

  private static void requireName(String what, String name) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(what + " name '" + name + "' is not 1-16 lower-case letters and digits");
    }
  }

  private void build(List<String> hostNames) {
    makeNamespace(switchNs);
    ip(switchNs, "link", "add", "br0", "type", "bridge");
    ip(switchNs, "link", "set", "br0", "up");
    int index = 0;
    for (String hostName : hostNames) {
      requireName("host", hostName);
      if (hosts.containsKey(hostName) || hostName.equals("switch")) {
        throw new IllegalArgumentException("host name " + hostName + " is taken");
      }
      index++;
      Host host = new Host(this, hostName, base + hostName, "198.18.0." + index, String.format("02:49:52:00:%02x:%02x", index / 256, index % 256), "p" + index);
      makeNamespace(host.namespace());
      ip(switchNs, "link", "add", host.port(), "type", "veth", "peer", "name", "eth0", "netns", host.namespace(),
          "address", host.mac());
      ip(switchNs, "link", "set", host.port(), "master", "br0");
      ip(switchNs, "link", "set", host.port(), "up");
      ip(host.namespace(), "addr", "add", host.address() + "/24", "dev", "eth0");
      ip(host.namespace(), "link", "set", "eth0", "up");
      hosts.put(hostName, host);
    }
    for (Host host : hosts.values()) {
      for (Host other : hosts.values()) {
        if (other != host) {
          ip(host.namespace(), "neigh", "replace", other.address(), "lladdr", other.mac(), "dev", "eth0",
              "nud", "permanent");
        }
      }
    }
  }

  private void makeNamespace(String ns) {
    Cmd.must(Tools.IP, "netns", "add", ns);
    namespaces.add(ns);
    ip(ns, "link", "set", "lo", "up");
  }

  private static void ip(String ns, String... args) {
    List<String> command = new ArrayList<>(List.of(Tools.IP, "-n", ns));
    command.addAll(List.of(args));
    Cmd.run(command).orThrow();
  }

  /** The lab's name, as given. */
  public String name() {
    return name;
  }

  /** The host named {@code hostName}. */
  public Host host(String hostName) {
    Host h = hosts.get(hostName);
    if (h == null) {
      throw new IllegalArgumentException("no host " + hostName + " in lab " + name + " (hosts " + hosts.keySet() + ")");
    }
    return h;
  }

  /** Every host, in the order given to {@link #create}. */
  public List<Host> hosts() {
    return List.copyOf(hosts.values());
  }

  /**
   * Cuts {@code host} off the network, both directions, at once: its bridge port is disabled. Nothing it sends
   * arrives, nothing sent to it arrives, and neither side is told.
   */
  public void cut(Host host) {
    Cmd.must(Tools.BRIDGE, "-n", switchNs, "link", "set", "dev", host.port(), "state", "0");
    cutOff.add(host.name());
  }

  /** Connects {@code host} to the network again. */
  public void heal(Host host) {
    Cmd.must(Tools.BRIDGE, "-n", switchNs, "link", "set", "dev", host.port(), "state", "3");
    cutOff.remove(host.name());
  }

  /** Whether {@code host} is cut off now. */
  public boolean isCut(Host host) {
    return cutOff.contains(host.name());
  }

  /** The namespaces this lab made and has not deleted yet (the switch's first). */
  public List<String> namespaces() {
    synchronized (namespaces) {
      return List.copyOf(namespaces);
    }
  }

  /**
   * Kills every process still inside one of the lab's hosts (SIGKILL: stop the ones you started more gently
   * first) and deletes every namespace, its veths and the bridge with it. Idempotent.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // this is the hook running
    }
    List<String> all = namespaces();
    List<String> failures = new ArrayList<>();
    for (int i = all.size() - 1; i >= 0; i--) {
      removeNamespace(all.get(i)).ifPresent(failures::add);
      namespaces.remove(all.get(i));
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException("netlab " + name + ": could not remove " + failures);
    }
  }

  /** Kills the processes inside {@code ns} and deletes it; what went wrong, if anything. */
  static Optional<String> removeNamespace(String ns) {
    for (int round = 0; round < 50; round++) {
      List<ProcessHandle> inside = processesIn(ns);
      if (inside.isEmpty()) {
        break;
      }
      inside.forEach(ProcessHandle::destroyForcibly);
      sleep(100);
    }
    Cmd.Result deleted = Cmd.run(Tools.IP, "netns", "delete", ns);
    if (!deleted.ok() && namespacesOnThisMachine().contains(ns)) {
      return Optional.of(ns + " (" + deleted.output().strip() + ")");
    }
    return Optional.empty();
  }

  /** The processes whose network namespace is {@code ns}. */
  static List<ProcessHandle> processesIn(String ns) {
    Cmd.Result pids = Cmd.run(Tools.IP, "netns", "pids", ns);
    if (!pids.ok()) {
      return List.of();
    }
    return pids.output().lines().map(String::strip).filter(l -> l.matches("\\d+"))
        .map(l -> ProcessHandle.of(Long.parseLong(l))).flatMap(Optional::stream).toList();
  }

  /** The names of every network namespace {@code ip netns} knows on this machine. */
  public static List<String> namespacesOnThisMachine() {
    Cmd.Result list = Cmd.run(Tools.IP, "netns", "list");
    if (!list.ok()) {
      return List.of();
    }
    return list.output().lines().map(String::strip).filter(l -> !l.isEmpty()).map(l -> l.split("\\s+")[0]).toList();
  }

  /**
   * Removes what labs of JVMs that are gone left behind (a run killed before it could close its lab): every
   * {@code irislab-<pid>-...} namespace whose pid is no live Java process, with the processes inside it. Labs of
   * live JVMs (another test run at the same time) are left alone. Returns the namespaces removed.
   */
  public static List<String> sweep() {
    List<String> removed = new ArrayList<>();
    for (String ns : namespacesOnThisMachine()) {
      Matcher m = OURS.matcher(ns);
      if (m.matches() && !isLiveJvm(Long.parseLong(m.group(1)))) {
        // the switch namespace last: deleting a host's first takes its veth with it
        removed.add(ns);
      }
    }
    removed.sort((a, b) -> Boolean.compare(a.endsWith("-switch"), b.endsWith("-switch")));
    for (String ns : removed) {
      removeNamespace(ns).ifPresent(failure -> System.err.println("netlab: sweep could not remove " + failure));
    }
    return removed;
  }

  private static boolean isLiveJvm(long pid) {
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
        .map(p -> dev.iris.e2e.Processes.commandLine(pid).contains("java"))
        .orElse(false);
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public String toString() {
    return "netlab " + name + " " + hosts.values();
  }
}
