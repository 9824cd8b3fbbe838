/**
 * The controller's verticles: the state store (the one writer, answering {@link dev.iris.controller.StoreQuery}s
 * and applying {@link dev.iris.controller.state.Mutation}s), the scheduler and dispatch to workers, with the
 * one event replay that watchers share and the controller's metrics. Thin shells around
 * {@code dev.iris.controller.state} and the pure core; the gRPC layer on top is {@code controller.api}.
 */
package dev.iris.controller;
