package dev.iris.controller;

import dev.iris.controller.state.ClusterState;

/**
 * A command or query run by the state store on its own thread, the only place state is touched. The
 * result must be immutable (a record, a protobuf message) since it leaves the store's thread.
 */
@FunctionalInterface
public interface StoreOp<R> {
  R apply(ClusterState state, long nowMs);
}
