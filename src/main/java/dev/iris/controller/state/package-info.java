/**
 * The controller's state as plain Java: jobs, tasks, workers, endpoints and the pending queue, changed
 * only through {@link dev.iris.controller.state.ClusterState}'s commands on one thread (the state store
 * verticle's). No Vert.x here.
 */
package dev.iris.controller.state;
