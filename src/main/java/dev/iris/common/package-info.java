/**
 * Helpers shared by controller, worker, client, dashboard and cli, and depending on none of them: local
 * codecs, event-bus RPC, gRPC status mapping, and the one parser of {@code host:port} addresses.
 */
package dev.iris.common;
