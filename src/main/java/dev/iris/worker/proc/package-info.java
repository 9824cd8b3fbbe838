/** Reading Linux {@code /proc}: process status, parentage, sessions and CPU/memory counters, tolerant of processes that vanish mid-read. */
package dev.iris.worker.proc;
