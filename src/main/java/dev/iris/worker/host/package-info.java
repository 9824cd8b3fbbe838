/**
 * The worker's footing on its machine: the work directory's layout and pid records ({@link
 * dev.iris.worker.host.WorkDirs}, {@link dev.iris.worker.host.PidJournal}), its lock, the watchdog that
 * cleans up after a worker that died and the cleanup itself, and the probe of what the machine offers.
 */
package dev.iris.worker.host;
