package dev.iris.e2e.netlab;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/** Copies bytes both ways between two connected channels, one daemon thread a direction, until either ends. */
final class Pipe {
  private Pipe() {}

  /** Starts copying between {@code a} and {@code b}; closes both when one side ends or fails. */
  static void join(SocketChannel a, SocketChannel b, String name) {
    Thread ab = new Thread(() -> copy(a, b), name + " >");
    Thread ba = new Thread(() -> copy(b, a), name + " <");
    ab.setDaemon(true);
    ba.setDaemon(true);
    ab.start();
    ba.start();
  }

  private static void copy(SocketChannel from, SocketChannel to) {
    ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    try {
      while (from.read(buffer) >= 0) {
        buffer.flip();
        while (buffer.hasRemaining()) {
          to.write(buffer);
        }
        buffer.clear();
      }
    } catch (IOException closed) {
      // the other direction closed both, or a side failed: end the pair
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // closing is best effort
    }
  }
}
