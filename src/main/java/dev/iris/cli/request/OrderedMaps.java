package dev.iris.cli.request;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Immutable map copies that keep insertion order ({@link Map#copyOf} does not). */
final class OrderedMaps {
  private OrderedMaps() {}

  static <K, V> Map<K, V> copyOf(Map<K, V> map) {
    return Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }
}
