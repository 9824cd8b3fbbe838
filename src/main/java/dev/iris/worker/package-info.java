/**
 * The worker: a {@link dev.iris.worker.WorkerVerticle} owns
 * this worker's task attempts and serves WorkerService over gRPC and the event bus. Each attempt's
 * decisions are the pure lifecycle of {@code worker.attempt}; the shell here ({@code AttemptRunner},
 * {@code AttemptKiller}, {@code AttemptFinisher}) carries its effects out with the process runtime
 * ({@code worker.runtime}), the machine's work directory ({@code worker.host}), bundles, logs, ports and
 * usage sampling; {@code AttemptProtos} is the one mapping to protobuf.
 */
package dev.iris.worker;
