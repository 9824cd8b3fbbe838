/** Task output on disk: one bounded, append-only log per task attempt, with filtered reads. */
package dev.iris.worker.logs;
