/**
 * The worker: {@link dev.iris.worker.WorkerNode} deploys a {@link dev.iris.worker.WorkerVerticle}, which owns
 * this worker's task attempts, runs them as processes in per-attempt work directories, reports their states
 * to the controller and serves WorkerService over gRPC and the event bus; plus the libraries it runs on.
 */
package dev.iris.worker;
