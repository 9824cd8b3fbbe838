/** Handing out free TCP ports to tasks, by name, from a configured range. */
package dev.iris.worker.ports;
