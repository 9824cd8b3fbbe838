/** Sampling the resource usage of a task's process tree (memory, CPU, process count) and its disk use. */
package dev.iris.worker.usage;
