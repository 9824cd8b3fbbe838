/**
 * The controller's state as plain Java: jobs, tasks, workers, endpoints and the pending queue, changed
 * only by {@link dev.iris.controller.state.Mutation}s applied to {@link dev.iris.controller.state.ClusterState}
 * on one thread (the state store verticle's). No Vert.x here.
 */
package dev.iris.controller.state;
