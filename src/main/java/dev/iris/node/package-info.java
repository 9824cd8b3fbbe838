/**
 * Where the parts are put together: {@link dev.iris.node.ControllerNode} deploys the controller's verticles
 * with its API and dashboard on one port, {@link dev.iris.node.WorkerNode} a worker. The CLI and the
 * embedded local cluster start these; nothing below them knows they exist.
 */
package dev.iris.node;
