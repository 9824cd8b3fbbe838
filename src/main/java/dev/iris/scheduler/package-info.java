/**
 * The pure scheduler: given an immutable snapshot of pending task runs and workers, it returns a
 * {@link dev.iris.scheduler.Plan} of first-fit placements and a reason for every job left waiting.
 */
package dev.iris.scheduler;
