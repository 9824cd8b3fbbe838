package dev.iris.e2e.netlab;

import dev.iris.e2e.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How the test JVM, in the root namespace with no interface into the lab, reaches a service inside a host: a
 * port on 127.0.0.1 here whose connections a {@link TunnelEnd} JVM inside the host carries on to the service
 * over a Unix socket. The tunnel is the test's management path, not part of the simulated network: it enters
 * the host from the side, so it keeps working while the host is cut off (the test still watches a controller
 * it has partitioned from its workers).
 */
public final class Tunnel implements AutoCloseable {
  private static final AtomicInteger SEQ = new AtomicInteger();
  private final ServerSocketChannel listener;
  private final Path socket;
  private final Processes.Server end;
  private final Thread acceptor;

  private Tunnel(ServerSocketChannel listener, Path socket, Processes.Server end) {
    this.listener = listener;
    this.socket = socket;
    this.end = end;
    this.acceptor = new Thread(this::accept, "tunnel-" + socket.getFileName());
    this.acceptor.setDaemon(true);
  }

  /**
   * Opens a tunnel from 127.0.0.1 here to {@code address:port} as seen from inside {@code host}; its far end is a
   * JVM that {@code processes} starts (and stops), its Unix socket under {@code socketDir}.
   */
  public static Tunnel open(Processes processes, Host host, String address, int port, Path socketDir) {
    Path socket = socketDir.resolve("tunnel-" + SEQ.incrementAndGet() + ".sock");
    Processes.Server end = processes.startVia(host.prefix(), "tunnel-" + host.name(), TunnelEnd.class.getName(),
        socket.toString(), address, Integer.toString(port));
    Processes.awaitLine(end, "tunnel end ", Duration.ofSeconds(60));
    try {
      ServerSocketChannel listener = ServerSocketChannel.open();
      listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      Tunnel tunnel = new Tunnel(listener, socket, end);
      tunnel.acceptor.start();
      return tunnel;
    } catch (IOException e) {
      Processes.stop(end.process().toHandle());
      throw new UncheckedIOException(e);
    }
  }

  /** {@code 127.0.0.1:port}: connect here to reach the service inside the host. */
  public String address() {
    return "127.0.0.1:" + ((InetSocketAddress) localAddress()).getPort();
  }

  private java.net.SocketAddress localAddress() {
    try {
      return listener.getLocalAddress();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void accept() {
    int n = 0;
    while (listener.isOpen()) {
      try {
        SocketChannel near = listener.accept();
        try {
          SocketChannel far = SocketChannel.open(UnixDomainSocketAddress.of(socket));
          Pipe.join(near, far, "tunnel-" + socket.getFileName() + "-" + ++n);
        } catch (IOException farEndGone) {
          Pipe.closeQuietly(near);
        }
      } catch (IOException closed) {
        return;
      }
    }
  }

  /** Stops listening and stops the far end (its connections end with it). */
  @Override
  public void close() {
    Pipe.closeQuietly(listener);
    Processes.stop(end.process().toHandle());
    try {
      Files.deleteIfExists(socket);
    } catch (IOException ignored) {
      // the directory goes with the test
    }
  }

  @Override
  public String toString() {
    return "tunnel " + address() + " -> " + socket;
  }
}
