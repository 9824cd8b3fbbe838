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
    byte[] bytes(int i);
  }

  /** A {@code NAME=value} entry of an environment, as bytes, with its name decoded once. */
  record Variable(String name, byte[] entry) {}

  private CStrings() {}

  /** A block holding {@code count} strings and the array of pointers to them, NULL-terminated. */
  static Memory of(int count, Source source) {
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
   * The environment of a child: {@code inherited} entries not named in {@code overrides}, then every override
   * in UTF-8.
   */
  static Memory environment(List<Variable> inherited, Map<String, String> overrides) {
    List<byte[]> entries = new ArrayList<>(inherited.size() + overrides.size());
    for (Variable variable : inherited) {
      if (!overrides.containsKey(variable.name())) {
        entries.add(variable.entry());
      }
    }
    overrides.forEach((name, value) -> entries.add((name + "=" + value).getBytes(StandardCharsets.UTF_8)));
    return of(entries.size(), entries::get);
  }

  /** This process's environment as the kernel holds it; from {@link System#getenv()} where /proc is not. */
  static List<Variable> ownEnvironment() {
    List<Variable> entries = new ArrayList<>();
    try {
      byte[] all = Files.readAllBytes(Path.of("/proc/self/environ"));
      int start = 0;
      for (int i = 0; i <= all.length; i++) {
        if (i == all.length || all[i] == 0) {
          if (i > start) {
            entries.add(variable(Arrays.copyOfRange(all, start, i)));
          }
          start = i + 1;
        }
      }
    } catch (IOException | SecurityException unreadable) {
      entries.clear();
      System.getenv().forEach((k, v) -> entries.add(new Variable(k, (k + "=" + v).getBytes(StandardCharsets.UTF_8))));
    }
    return List.copyOf(entries);
  }

  /** A {@code NAME=value} entry (names are ASCII in practice; Latin-1 keeps any byte as is). */
  private static Variable variable(byte[] entry) {
    int eq = 0;
    while (eq < entry.length && entry[eq] != '=') {
      eq++;
    }
    return new Variable(new String(entry, 0, eq, StandardCharsets.ISO_8859_1), entry);
  }
}
