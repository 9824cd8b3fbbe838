/**
 * Helpers shared by controller, worker, client, dashboard and cli, and depending on none of them: local
 * codecs, event-bus RPC, gRPC status mapping, the one parser of {@code host:port} addresses, and the one
 * mapping of task and job states between the contract and the domain ({@link dev.iris.common.ProtoStates}).
 */
package dev.iris.common;
