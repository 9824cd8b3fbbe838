/**
 * The controller's durable storage: a locked, versioned state directory ({@link
 * dev.iris.controller.journal.StateDir}) holding an append-only journal of opaque records ({@link
 * dev.iris.controller.journal.Journal}): each record framed with its length, a CRC32C and its sequence number
 * (LSN), acknowledged only once it is on disk, many appends sharing one fsync (group commit on the journal's
 * own thread), recovered in order on open with a torn tail cut and earlier damage refused, and compacted
 * behind snapshots. Plain Java and {@code java.nio}: no Vert.x; the state store wires it in.
 */
package dev.iris.controller.journal;
