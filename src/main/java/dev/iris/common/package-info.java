/**
 * Helpers shared by controller, worker, client, dashboard and cli, and depending on none of them: local
 * codecs, event-bus RPC, gRPC status mapping, the one parser of {@code host:port} addresses, and the one
 * mapping of each shared type between the contract and the domain ({@link dev.iris.common.ProtoStates}
 * for task and job states, {@link dev.iris.common.ProtoSpecs} for constraints, resources and GPUs).
 */
package dev.iris.common;
