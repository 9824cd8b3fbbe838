package dev.iris.worker.ports;

import dev.iris.core.TaskSpecRules;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Allocates named TCP ports to owners (task attempts) from an inclusive range. A port is handed out only
 * if nobody holds it and a bind probe on {@code 0.0.0.0} succeeds; it stays reserved until its owner is
 * released. The search continues after the last port handed out, so a just-released port is not reused
 * at once. Thread-safe.
 */
public final class PortAllocator {
  /** First port of the default range. */
  public static final int DEFAULT_FROM = 30000;
  /** Last port of the default range. */
  public static final int DEFAULT_TO = 40000;

  private final int from;
  private final int to;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<Integer, String> holders = new HashMap<>();
  private final Map<String, Map<String, Integer>> byOwner = new HashMap<>();
  private int next;

  /** An allocator for ports 30000-40000. */
  public PortAllocator() {
    this(DEFAULT_FROM, DEFAULT_TO);
  }

  /** An allocator for ports {@code from} to {@code to}, both inclusive. */
  public PortAllocator(int from, int to) {
    if (from < 1 || to > 65535 || from > to) {
      throw new IllegalArgumentException("invalid port range " + from + "-" + to);
    }
    this.from = from;
    this.to = to;
    this.next = from;
  }

  /**
   * Allocates one port per name, all or nothing.
   *
   * @param owner who holds the ports until {@link #release}; must not hold any yet
   * @param names port names as {@link TaskSpecRules#ports} allows them
   * @return name to port, in the order of {@code names}
   * @throws IllegalArgumentException for an invalid name or owner
   * @throws IllegalStateException when the owner already holds ports
   * @throws PortAllocationException when not enough free ports are left
   */
  public Map<String, Integer> allocate(String owner, List<String> names) {
    validate(owner, names);
    lock.lock();
    try {
      if (byOwner.containsKey(owner)) {
        throw new IllegalStateException("'" + owner + "' already holds ports " + byOwner.get(owner));
      }
      Map<String, Integer> ports = new LinkedHashMap<>();
      int rangeSize = to - from + 1;
      int port = next;
      for (int tried = 0; tried < rangeSize && ports.size() < names.size(); tried++) {
        if (!holders.containsKey(port) && canBind(port)) {
          ports.put(names.get(ports.size()), port);
        }
        port = port == to ? from : port + 1;
      }
      if (ports.size() < names.size()) {
        throw new PortAllocationException(String.format(
            "cannot allocate %d ports %s for '%s': only %d free in %d-%d",
            names.size(), names, owner, ports.size(), from, to));
      }
      next = port;
      if (!ports.isEmpty()) {
        ports.values().forEach(p -> holders.put(p, owner));
        byOwner.put(owner, ports);
      }
      return Collections.unmodifiableMap(new LinkedHashMap<>(ports));
    } finally {
      lock.unlock();
    }
  }

  /** Returns the owner's ports to the pool; does nothing for an owner without ports. */
  public void release(String owner) {
    lock.lock();
    try {
      Map<String, Integer> ports = byOwner.remove(owner);
      if (ports != null) {
        ports.values().forEach(holders::remove);
      }
    } finally {
      lock.unlock();
    }
  }

  /** The ports the owner holds (empty if none). */
  public Map<String, Integer> portsOf(String owner) {
    lock.lock();
    try {
      Map<String, Integer> ports = byOwner.get(owner);
      return ports == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(ports));
    } finally {
      lock.unlock();
    }
  }

  /** How many ports are held in total. */
  public int heldCount() {
    lock.lock();
    try {
      return holders.size();
    } finally {
      lock.unlock();
    }
  }

  private static void validate(String owner, List<String> names) {
    if (owner == null || owner.isEmpty()) {
      throw new IllegalArgumentException("port owner must not be empty");
    }
    TaskSpecRules.ports(names);
  }

  private static boolean canBind(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress("0.0.0.0", port));
      return true;
    } catch (IOException e) {
      return false; // in use (or not ours to bind): try the next port
    }
  }
}
