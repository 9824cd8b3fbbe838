/** Running task commands as operating-system processes: start, output pumping, exit and whole-tree kill. */
package dev.iris.worker.runtime;
