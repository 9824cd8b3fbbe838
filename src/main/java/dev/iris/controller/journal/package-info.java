/**
 * The controller's durable storage. A locked, versioned state directory ({@link
 * dev.iris.controller.journal.StateDir}) holds an append-only journal of records ({@link
 * dev.iris.controller.journal.Journal}): each framed with its length, a CRC32C and its sequence number (LSN),
 * acknowledged only once it is on disk, many appends sharing one fsync (group commit on the journal's own
 * thread), recovered in order on open with a torn tail cut and earlier damage refused, and compacted behind
 * snapshots. A record is one applied {@link dev.iris.controller.state.Mutation} with the instant it was applied
 * at, as protobuf ({@code iris/journal.proto}; {@link dev.iris.controller.journal.MutationCodec}), so that
 * {@code controller.state} stays free of protobuf. Plain Java and {@code java.nio}: no Vert.x; the state store
 * wires it in.
 */
package dev.iris.controller.journal;
