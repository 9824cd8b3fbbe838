/**
 * Links between processes: the generated {@code WorkerService} and {@code ControllerService} contracts
 * implemented once per transport (gRPC for separate processes, the event bus for peers in one JVM).
 */
package dev.iris.link;
