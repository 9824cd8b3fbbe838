package dev.iris.cli.request;

import java.util.Objects;
import java.util.Optional;

/**
 * What each task of a job needs from a worker.
 *
 * @param cpu whole cores, at least 0
 * @param memoryBytes memory in bytes; 0 means no reservation
 * @param diskBytes disk in bytes; 0 means no reservation
 * @param gpus GPUs per task; 0 means none
 * @param gpuVariant the GPU model asked for (e.g. {@code a100}); only with {@code gpus > 0}
 */
public record JobResources(
    int cpu, long memoryBytes, long diskBytes, int gpus, Optional<String> gpuVariant) {

  public JobResources {
    Objects.requireNonNull(gpuVariant, "gpuVariant");
  }
}
