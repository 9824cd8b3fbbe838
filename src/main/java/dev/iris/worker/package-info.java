/** The worker: per-attempt work directories, leftovers of earlier runs, and the libraries that run tasks. */
package dev.iris.worker;
