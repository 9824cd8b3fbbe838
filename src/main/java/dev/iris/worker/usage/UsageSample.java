package dev.iris.worker.usage;

/**
 * Resource usage of one task attempt at one moment.
 *
 * @param memoryMb resident memory of the process tree, in MiB rounded up (any memory is at least 1)
 * @param memoryPeakMb the highest {@code memoryMb} seen for the attempt so far
 * @param cpuPercent CPU used since the previous sample, 100 per fully busy core (may exceed 100)
 * @param cpuMillicores the same in thousandths of a core
 * @param processCount live processes in the tree
 * @param diskMb bytes under the attempt's working directory, in MiB rounded up
 */
public record UsageSample(
    long memoryMb, long memoryPeakMb, int cpuPercent, long cpuMillicores, int processCount, long diskMb) {}
