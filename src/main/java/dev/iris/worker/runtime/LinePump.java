package dev.iris.worker.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one output stream of a process to its end and hands it to a {@link LineSink} line by line.
 * Memory stays bounded: the line buffer grows on demand up to {@code maxLineBytes}, and a longer line
 * is delivered in pieces of at most that size (cut at a UTF-8 character boundary). A trailing {@code \r} is dropped with the {@code \n}; a last
 * line without a terminator is still delivered.
 */
final class LinePump implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(LinePump.class);

  private final String source;
  private final InputStream in;
  private final LineSink sink;
  private final int maxLineBytes;
  private byte[] line;
  private final CompletableFuture<Void> drained = new CompletableFuture<>();
  private int length;
  private boolean sinkFailureLogged;
  /** When the stream last gave bytes (System.nanoTime), or 0 before the first. */
  private volatile long lastReadNanos;

  LinePump(String source, InputStream in, LineSink sink, int maxLineBytes) {
    this.source = source;
    this.in = in;
    this.sink = sink;
    this.maxLineBytes = maxLineBytes;
    this.line = new byte[Math.min(256, maxLineBytes)];
  }

  /** Completes when the stream reached its end (or failed) and every line was handed to the sink. */
  CompletableFuture<Void> drained() {
    return drained;
  }

  /** When the stream last gave bytes (System.nanoTime), or 0 if it never did. */
  long lastReadNanos() {
    return lastReadNanos;
  }

  @Override
  public void run() {
    byte[] buffer = new byte[8192];
    try (in) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        lastReadNanos = System.nanoTime();
        for (int i = 0; i < n; i++) {
          accept(buffer[i]);
        }
      }
    } catch (IOException e) {
      // The stream is closed under us when the process is destroyed: whatever was read is delivered.
      log.debug("{} stream ended with {}", source, e.toString());
    } finally {
      if (length > 0) {
        emit(length);
      }
      drained.complete(null);
    }
  }

  private void accept(byte b) {
    if (b == '\n') {
      emit(length > 0 && line[length - 1] == '\r' ? length - 1 : length);
      length = 0;
      return;
    }
    if (length == line.length && length < maxLineBytes) {
      line = Arrays.copyOf(line, Math.min(maxLineBytes, length * 2));
    } else if (length == maxLineBytes) {
      int cut = cutPoint(b);
      emit(cut);
      System.arraycopy(line, cut, line, 0, length - cut);
      length -= cut;
    }
    line[length++] = b;
  }

  /** Where to cut a full buffer so that the character {@code next} continues is not split. */
  private int cutPoint(byte next) {
    if ((next & 0xC0) != 0x80) {
      return length;
    }
    for (int i = length - 1; i >= Math.max(1, length - 3); i--) {
      if ((line[i] & 0xC0) != 0x80) {
        return i;
      }
    }
    return length;
  }

  private void emit(int bytes) {
    String text = new String(line, 0, bytes, StandardCharsets.UTF_8);
    try {
      sink.accept(source, text);
    } catch (RuntimeException e) {
      // A broken sink must not stop the pump: the task would block on a full pipe. Log once per stream.
      if (!sinkFailureLogged) {
        sinkFailureLogged = true;
        log.warn("log sink failed for {}; dropping lines it rejects", source, e);
      }
    }
  }
}
