/**
 * What the controller's journal holds: each applied {@link dev.iris.controller.state.Mutation} with the instant
 * it was applied at, as protobuf ({@code iris/journal.proto}), and back ({@link
 * dev.iris.controller.journal.MutationCodec}). A shell around {@code controller.state}, which stays free of
 * protobuf.
 */
package dev.iris.controller.journal;
