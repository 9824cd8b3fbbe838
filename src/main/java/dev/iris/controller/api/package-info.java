/**
 * The controller's gRPC layer: {@link dev.iris.controller.api.ControllerServiceImpl} checks each request
 * ({@code RequestChecks}, {@code LaunchRequests}, and {@code RegistrationChecks} for what workers and tasks
 * register: ids, addresses and metadata, each bounded and of a safe charset), turns it into a store mutation
 * or query and maps the answer back; {@code EventWatch} streams events, {@code WorkerLogProxy} fetches logs
 * from workers, and {@link dev.iris.controller.api.ControllerServerVerticle} serves it all (and the routes
 * mounted next to it) on one port.
 */
package dev.iris.controller.api;
