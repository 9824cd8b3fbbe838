/** Job bundles: zip archives cached by content hash and unpacked safely into a task's working directory. */
package dev.iris.worker.bundle;
