package dev.iris.core;

/**
 * An amount of worker capacity: whole cpus, memory and disk in bytes, and a GPU count of one variant
 * (an empty variant on a request matches any).
 */
public record Resources(int cpu, long memoryBytes, long diskBytes, int gpus, String gpuVariant) {
  public static final Resources NONE = new Resources(0, 0, 0, 0, "");

  public Resources {
    if (cpu < 0 || memoryBytes < 0 || diskBytes < 0 || gpus < 0) {
      throw new ValidationException("resources must not be negative: " + describe(cpu, memoryBytes, diskBytes, gpus));
    }
    gpuVariant = gpuVariant == null ? "" : gpuVariant;
  }

  public static Resources of(int cpu, long memoryBytes) {
    return new Resources(cpu, memoryBytes, 0, 0, "");
  }

  /** True when a request of {@code need} fits into this (free) capacity. */
  public boolean fits(Resources need) {
    return need.cpu <= cpu
        && need.memoryBytes <= memoryBytes
        && need.diskBytes <= diskBytes
        && need.gpus <= gpus
        && (need.gpus == 0 || need.gpuVariant.isEmpty() || need.gpuVariant.equalsIgnoreCase(gpuVariant));
  }

  /** The first dimension in which {@code need} does not fit, as a phrase ("8 cpu"), or null when it fits. */
  public String shortfall(Resources need) {
    if (need.cpu > cpu) {
      return need.cpu + " cpu";
    }
    if (need.memoryBytes > memoryBytes) {
      return Sizes.human(need.memoryBytes) + " memory";
    }
    if (need.diskBytes > diskBytes) {
      return Sizes.human(need.diskBytes) + " disk";
    }
    if (need.gpus > gpus) {
      return need.gpus + " gpu" + (need.gpuVariant.isEmpty() ? "" : " " + need.gpuVariant);
    }
    if (need.gpus > 0 && !need.gpuVariant.isEmpty() && !need.gpuVariant.equalsIgnoreCase(gpuVariant)) {
      return need.gpus + " gpu " + need.gpuVariant;
    }
    return null;
  }

  public Resources minus(Resources r) {
    return new Resources(cpu - r.cpu, memoryBytes - r.memoryBytes, diskBytes - r.diskBytes,
        gpus - r.gpus, gpuVariant);
  }

  public Resources plus(Resources r) {
    return new Resources(cpu + r.cpu, memoryBytes + r.memoryBytes, diskBytes + r.diskBytes,
        gpus + r.gpus, gpuVariant.isEmpty() ? r.gpuVariant : gpuVariant);
  }

  @Override
  public String toString() {
    return describe(cpu, memoryBytes, diskBytes, gpus) + (gpuVariant.isEmpty() ? "" : " " + gpuVariant);
  }

  private static String describe(int cpu, long memoryBytes, long diskBytes, int gpus) {
    return cpu + " cpu, " + Sizes.human(memoryBytes) + " memory, " + Sizes.human(diskBytes) + " disk, "
        + gpus + " gpu";
  }
}
