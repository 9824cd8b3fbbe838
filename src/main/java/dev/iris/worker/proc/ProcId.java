package dev.iris.worker.proc;

import java.time.Instant;

/**
 * The identity of one process: its pid plus its start time in clock ticks since boot, so a reused pid
 * is never mistaken for the process it replaced.
 */
public record ProcId(long pid, long startTicks) {

  /**
   * When the process started, from its start ticks and the boot time. Stable for the life of the
   * process and different across reboots, so a recorded (pid, start instant) names one process only.
   */
  public Instant startInstant() {
    return Instant.ofEpochMilli(ProcFs.bootTimeMillis() + startTicks * 1000 / ProcFs.CLOCK_TICKS_PER_SECOND);
  }
}
