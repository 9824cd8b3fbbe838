package dev.iris.e2e.netlab;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The far end of a {@link Tunnel}, a JVM started inside a lab host: accepts connections on a Unix socket (a
 * file, which every network namespace sees) and connects each to {@code host:port} from inside its host.
 * Arguments: socket path, host, port. Runs until killed.
 */
public final class TunnelEnd {
  private TunnelEnd() {}

  public static void main(String[] args) throws IOException {
    Path socket = Path.of(args[0]);
    InetSocketAddress target = new InetSocketAddress(args[1], Integer.parseInt(args[2]));
    Files.deleteIfExists(socket);
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
      System.out.println("tunnel end " + socket + " -> " + target);
      int n = 0;
      while (true) {
        SocketChannel in = server.accept();
        try {
          SocketChannel out = SocketChannel.open(target);
          Pipe.join(in, out, "tunnel-" + ++n);
        } catch (IOException e) {
          System.out.println("tunnel end: cannot reach " + target + ": " + e);
          Pipe.closeQuietly(in);
        }
      }
    }
  }
}
