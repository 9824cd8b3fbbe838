/** Small Vert.x helpers shared by controller and worker: local codecs, event-bus RPC, gRPC status mapping. */
package dev.iris.common;
