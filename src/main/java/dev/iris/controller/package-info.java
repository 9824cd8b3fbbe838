/**
 * The controller's verticles: the state store (the one writer, answering {@link dev.iris.controller.StoreQuery}s
 * and applying {@link dev.iris.controller.state.Mutation}s), the scheduler, dispatch to workers, and the
 * gRPC/HTTP front on one port. Thin shells around {@code dev.iris.controller.state} and the pure core.
 */
package dev.iris.controller;
