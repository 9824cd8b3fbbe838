package dev.iris.worker.proc;

/**
 * The identity of one process: its pid plus its start time in clock ticks since boot, so a reused pid
 * is never mistaken for the process it replaced.
 */
public record ProcId(long pid, long startTicks) {}
