package dev.iris.core;

/** Byte sizes for people: 1024-based units, one decimal where it helps. */
public final class Sizes {
  private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};

  private Sizes() {}

  public static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    double value = bytes;
    int unit = 0;
    while (value >= 1024 && unit < UNITS.length - 1) {
      value /= 1024;
      unit++;
    }
    return (value == Math.rint(value) ? String.valueOf((long) value) : String.format("%.1f", value))
        + " " + UNITS[unit];
  }
}
