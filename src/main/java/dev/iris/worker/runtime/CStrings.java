package dev.iris.worker.runtime;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * NULL-terminated arrays of C strings ({@code argv}, {@code envp}) in one native block each, built from exact
 * bytes: the JVM's own environment as the kernel gave it ({@code /proc/self/environ}, so a value the JVM's
 * locale cannot decode still reaches the task intact) and everything else in UTF-8.
 */
final class CStrings {
  /** One string's bytes, for index {@code i}. */
  interface Source {
    byte[] bytes(int i) throws IOException;
  }

  private CStrings() {}

  /** A block holding {@code count} strings and the array of pointers to them, NULL-terminated. */
  static Memory of(int count, Source source) throws IOException {
    byte[][] strings = new byte[count][];
    long total = 0;
    for (int i = 0; i < count; i++) {
      strings[i] = source.bytes(i);
      total += strings[i].length + 1;
    }
    long pointers = (long) (count + 1) * Native.POINTER_SIZE;
    Memory block = new Memory(pointers + total);
    long offset = pointers;
    for (int i = 0; i < count; i++) {
      block.write(offset, strings[i], 0, strings[i].length);
      block.setByte(offset + strings[i].length, (byte) 0);
      block.setPointer((long) i * Native.POINTER_SIZE, block.share(offset));
      offset += strings[i].length + 1;
    }
    block.setPointer((long) count * Native.POINTER_SIZE, null);
    return block;
  }

  /**
   * The environment of a child: {@code inherited} entries ({@code NAME=value} bytes) not named in
   * {@code overrides}, then every override in UTF-8.
   */
  static Memory environment(List<byte[]> inherited, Map<String, String> overrides) throws IOException {
    List<byte[]> entries = new ArrayList<>(inherited.size() + overrides.size());
    for (byte[] entry : inherited) {
      if (!overrides.containsKey(name(entry))) {
        entries.add(entry);
      }
    }
    for (Map.Entry<String, String> override : overrides.entrySet()) {
      String entry = override.getKey() + "=" + override.getValue();
      if (entry.indexOf('\0') >= 0) {
        throw new IOException("invalid environment variable " + override.getKey() + ": it contains a NUL character");
      }
      entries.add(entry.getBytes(StandardCharsets.UTF_8));
    }
    return of(entries.size(), entries::get);
  }

  /** This process's environment as the kernel holds it; from {@link System#getenv()} where /proc is not. */
  static List<byte[]> ownEnvironment() {
    List<byte[]> entries = new ArrayList<>();
    try {
      byte[] all = Files.readAllBytes(Path.of("/proc/self/environ"));
      int start = 0;
      for (int i = 0; i <= all.length; i++) {
        if (i == all.length || all[i] == 0) {
          if (i > start) {
            entries.add(Arrays.copyOfRange(all, start, i));
          }
          start = i + 1;
        }
      }
    } catch (IOException | SecurityException unreadable) {
      entries.clear();
      System.getenv().forEach((k, v) -> entries.add((k + "=" + v).getBytes(StandardCharsets.UTF_8)));
    }
    return List.copyOf(entries);
  }

  /** The name of a {@code NAME=value} entry (names are ASCII in practice; Latin-1 keeps any byte as is). */
  private static String name(byte[] entry) {
    int eq = 0;
    while (eq < entry.length && entry[eq] != '=') {
      eq++;
    }
    return new String(entry, 0, eq, StandardCharsets.ISO_8859_1);
  }
}
